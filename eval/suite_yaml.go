package eval

import (
	"errors"
	"fmt"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"tutor"
)

// parseYAML reads a suite document: name, description and a list of items.
func parseYAML(name string, data []byte) (*Suite, locator, error) {
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, nil, yamlError(name, err)
	}
	var alias ast.Node
	for _, doc := range file.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		ast.Walk(visitFunc(func(n ast.Node) bool {
			if n != nil && n.Type() == ast.AliasType && alias == nil {
				alias = n
			}
			return alias == nil
		}), doc)
	}
	if alias != nil {
		return nil, nil, tutor.Errorf(tutor.EINVALID, "%s:%d: aliases (*name) are not allowed in a suite", name, alias.GetToken().Position.Line)
	}
	if len(file.Docs) != 1 || file.Docs[0].Body == nil {
		return nil, nil, tutor.Errorf(tutor.EINVALID, "%s: want one YAML document with name and items", name)
	}
	var s Suite
	if err := yaml.NodeToValue(file.Docs[0].Body, &s, yaml.Strict()); err != nil {
		return nil, nil, yamlError(name, err)
	}
	itemLine := func(i int) int {
		if n := findNode(file, fmt.Sprintf("$.items[%d]", i)); n != nil {
			return n.GetToken().Position.Line
		}
		return 1
	}
	return &s, func(i int, field string) int {
		if field != "" {
			if n := findNode(file, fmt.Sprintf("$.items[%d].%s", i, field)); n != nil {
				return n.GetToken().Position.Line
			}
		}
		return itemLine(i)
	}, nil
}

type visitFunc func(ast.Node) bool

func (f visitFunc) Visit(n ast.Node) ast.Visitor {
	if n != nil && f(n) {
		return f
	}
	return nil
}

func findNode(file *ast.File, p string) ast.Node {
	path, err := yaml.PathString(p)
	if err != nil {
		return nil
	}
	n, err := path.FilterFile(file)
	if err != nil || n == nil || n.GetToken() == nil {
		return nil
	}
	return n
}

// yamlError turns a go-yaml error into an EINVALID error naming the line.
func yamlError(name string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		return tutor.Errorf(tutor.EINVALID, "%s:%d: %s", name, ye.GetToken().Position.Line, ye.GetMessage())
	}
	return tutor.Errorf(tutor.EINVALID, "%s: %v", name, err)
}
