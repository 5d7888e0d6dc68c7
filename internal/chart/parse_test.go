package chart

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// node is an element of a parsed chart.
type node struct {
	name     string
	attr     map[string]string
	text     string // character data directly inside, without children's
	children []*node
}

func (n *node) child(name string) *node {
	for _, c := range n.children {
		if c.name == name {
			return c
		}
	}
	return &node{attr: map[string]string{}}
}

func (n *node) all(name string) []*node {
	var out []*node
	for _, c := range n.children {
		if c.name == name {
			out = append(out, c)
		}
		out = append(out, c.all(name)...)
	}
	return out
}

var refRE = regexp.MustCompile(`url\(#([^)]*)\)`)

// parse reads svg as strict XML to the end and checks what a browser would
// trip over: one <svg> root with title first, unique ids, references that
// resolve, and numeric attributes that are numbers.
func parse(svg template.HTML) (*node, error) {
	dec := xml.NewDecoder(strings.NewReader(string(svg)))
	dec.Strict = true
	var root *node
	var stack []*node
	ids := map[string]bool{}
	var refs []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			n := &node{name: tok.Name.Local, attr: map[string]string{}}
			for _, a := range tok.Attr {
				n.attr[a.Name.Local] = a.Value
				switch a.Name.Local {
				case "id":
					if ids[a.Value] {
						return nil, fmt.Errorf("id %q twice", a.Value)
					}
					ids[a.Value] = true
				case "aria-labelledby":
					refs = append(refs, strings.Fields(a.Value)...)
				case "fill", "stroke":
					if m := refRE.FindStringSubmatch(a.Value); m != nil {
						refs = append(refs, m[1])
					}
				case "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height", "textLength":
					if a.Value == "100%" && a.Name.Local == "width" {
						break
					}
					if _, err := strconv.ParseFloat(a.Value, 64); err != nil || strings.ContainsAny(a.Value, "NIni") {
						return nil, fmt.Errorf("<%s %s=%q>: not a number", n.name, a.Name.Local, a.Value)
					}
				case "d", "viewBox":
					if strings.ContainsAny(a.Value, "NIa") {
						return nil, fmt.Errorf("<%s %s=%q>: not numbers", n.name, a.Name.Local, a.Value)
					}
				}
			}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("more than one root element")
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(tok)) > 0 {
					return nil, errors.New("text outside the root")
				}
				continue
			}
			stack[len(stack)-1].text += string(tok)
		}
	}
	if root == nil || root.name != "svg" {
		return nil, errors.New("no <svg> root")
	}
	if len(root.children) == 0 || root.children[0].name != "title" {
		return nil, errors.New("<title> is not the first child")
	}
	for _, r := range refs {
		if !ids[r] {
			return nil, fmt.Errorf("reference to missing id %q", r)
		}
	}
	return root, nil
}

// ids returns the ids of svg.
func ids(t *testing.T, svg template.HTML) map[string]bool {
	t.Helper()
	root, err := parse(svg)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	var walk func(n *node)
	walk = func(n *node) {
		if id := n.attr["id"]; id != "" {
			out[id] = true
		}
		for _, c := range n.children {
			walk(c)
		}
	}
	walk(root)
	return out
}
