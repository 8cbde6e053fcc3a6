"""axe-core (frontend/node_modules/axe-core, from the npm registry) run inside a page: the
serious and critical accessibility violations it finds, in words a failing test can show."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"

# The page's CSP allows only its own scripts (script-src 'self', no inline code and no eval):
# axe is a test tool injected as an inline script, so the contexts that run it bypass the CSP
# (Playwright's bypass_csp). The site itself is never served with a weaker policy.
CONTEXT_OPTIONS = {"bypass_csp": True}

_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  if (!result.passes.length) throw new Error("axe checked nothing on " + location.href);
  return result.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.slice(0, 5).map((node) => node.target.join(" ") + " :: " + node.failureSummary.replace(/\\s+/g, " ")),
    }));
}"""


def serious_violations(page) -> list[str]:
    """Each serious or critical violation on the page as one line (rule, help, first nodes)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return [
        f"{violation['impact']} {violation['id']}: {violation['help']} -> {violation['nodes']}"
        for violation in page.evaluate(_RUN)
    ]
