"""The course source files (content/<course>/) and the importer that loads them."""
