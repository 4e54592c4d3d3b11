"""Operations: backup and restore, the configuration check, maintenance and training modes."""
