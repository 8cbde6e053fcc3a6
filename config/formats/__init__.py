"""Date formats of the interface's languages (FORMAT_MODULE_PATH): each language names the same
formats in its own order and words; templates ask for them by name (DATETIME_FORMAT...)."""
