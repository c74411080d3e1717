package i18n

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"firsthand/templates"
)

// moduleRoot is where go.mod is, two levels above this package.
const moduleRoot = "../.."

// goSources calls fn with every non-test Go file of the module, parsed.
func goSources(t *testing.T, fn func(path string, f *ast.File)) {
	t.Helper()
	fset := token.NewFileSet()
	err := filepath.WalkDir(moduleRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != moduleRoot || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		fn(path, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// errorMakers are briefing's error constructors and the position of their
// format argument.
var errorMakers = map[string]int{"Invalid": 1, "NotFound": 0, "Conflict": 0, "Forbidden": 0, "Unauthenticated": 0, "RateLimited": 0}

// TestEveryErrorHasAGermanText fails when an error a person can be shown
// (one made by briefing's constructors) has no German text.
func TestEveryErrorHasAGermanText(t *testing.T) {
	c := catalogue(t)
	goSources(t, func(path string, f *ast.File) {
		inBriefing := f.Name.Name == "briefing"
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var name string
			switch fn := call.Fun.(type) {
			case *ast.Ident:
				if inBriefing {
					name = fn.Name
				}
			case *ast.SelectorExpr:
				if x, ok := fn.X.(*ast.Ident); ok && x.Name == "briefing" {
					name = fn.Sel.Name
				}
			}
			at, ok := errorMakers[name]
			if !ok || len(call.Args) <= at {
				return true
			}
			lit, ok := call.Args[at].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true // a format that is not a literal is checked where it is written
			}
			format, _ := strconv.Unquote(lit.Value)
			if !c.Has(German, ErrorID(format)) {
				t.Errorf("%s: %s(%q) has no German text in templates/i18n/errors.de.toml", path, name, format)
			}
			return true
		})
	})
}

var (
	templateCall = regexp.MustCompile(`\{\{-?\s*(?:[^}]*\(\s*)?t\s+"([^"]+)"`)
	goCall       = regexp.MustCompile(`\.T\("([^"]+)"`)
)

// TestEveryMessageUsedExists fails when a template or Go file asks for a
// message the catalogue does not have.
func TestEveryMessageUsedExists(t *testing.T) {
	c := catalogue(t)
	names, _ := fs.Glob(templates.FS, "*.html")
	for _, name := range names {
		b, _ := fs.ReadFile(templates.FS, name)
		for _, m := range templateCall.FindAllStringSubmatch(string(b), -1) {
			if !c.Has(English, m[1]) {
				t.Errorf("%s: %q is not in the catalogue", name, m[1])
			}
		}
	}
	goSources(t, func(path string, _ *ast.File) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goCall.FindAllStringSubmatch(string(b), -1) {
			if !c.Has(English, m[1]) {
				t.Errorf("%s: %q is not in the catalogue", path, m[1])
			}
		}
	})
}
