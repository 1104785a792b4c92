"""Every cap on what an assessment may hold, named in one place; each refusal names its limit.

The readers (``importers/``) and the services both check these before writing anything."""

MAX_AREAS = 500
MAX_INDICATORS = 10_000
MAX_LEVELS = 20
MAX_LEVEL_VALUE = 1_000_000  # a level's value (and a reported score) is at most this
MAX_SOURCES_PER_RATING = 100
MAX_REPORTED_SCORES = 20
MAX_CODE_CHARS = 40
MAX_TITLE_CHARS = 400
MAX_LABEL_CHARS = 120
MAX_TEXT_CHARS = 20_000  # a justification, a guidance or description text, a source
MAX_URL_CHARS = 1000
MAX_SUBJECT_CHARS = 300
