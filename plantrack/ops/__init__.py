"""Operations: backups and their restore (``plantrack backup`` / ``plantrack restore``)."""
