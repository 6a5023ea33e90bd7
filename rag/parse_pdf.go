package rag

import "tutor"

// parsePDF extracts the text layer of a PDF.
func parsePDF(name string, data []byte, lim Limits) (string, error) {
	return "", tutor.Errorf(tutor.EUNSUPPORTED, "%q: PDF text extraction is not available yet", name)
}
