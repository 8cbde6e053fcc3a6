# The web and worker image (no torch: learner code runs in the sandbox images).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /srv/academy
COPY requirements/ requirements/
RUN pip install --no-cache-dir -r requirements/app.txt
COPY . .
RUN useradd --system --home /srv/academy academy && mkdir -p var && chown academy var
USER academy
EXPOSE 8000
