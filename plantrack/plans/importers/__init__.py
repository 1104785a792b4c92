"""Plan importers: one parser per source format, all producing ``ParsedPlan``."""
