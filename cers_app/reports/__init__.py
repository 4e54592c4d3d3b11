"""Reports: PDFs and CERS EDT XML."""
