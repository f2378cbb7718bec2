package generator

import (
	"bytes"
	"errors"
	"fmt"
	"go/scanner"

	"golang.org/x/tools/imports"
)

// formatGo formats rendered Go source the way goimports does: gofmt layout,
// unused imports removed, standard-library imports added. A template that
// renders invalid Go is reported with the template's name, the line of the
// rendered output and that line's text, so the mistake is easy to find.
func formatGo(templateName string, src []byte) ([]byte, error) {
	out, err := imports.Process(templateName, src, &imports.Options{
		Comments:  true,
		TabIndent: true,
		TabWidth:  8,
	})
	if err == nil {
		return out, nil
	}
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		first := list[0]
		return nil, fmt.Errorf("template %s renders invalid Go at line %d: %s\n\t%s",
			templateName, first.Pos.Line, first.Msg, lineOf(src, first.Pos.Line))
	}
	return nil, fmt.Errorf("template %s: formatting rendered Go: %w", templateName, err)
}

func lineOf(src []byte, n int) string {
	lines := bytes.Split(src, []byte("\n"))
	if n < 1 || n > len(lines) {
		return ""
	}
	return string(bytes.TrimSpace(lines[n-1]))
}
