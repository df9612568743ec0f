package httpapi

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"sync"

	"github.com/parleychat/parley"
)

// encoding/json, given {"receiver":"a","RECEIVER":"b"}, keeps the last value
// and matches names regardless of case, so a body can say two things and a
// proxy or a log that reads the first of them sees another message than the
// server does. checkKeys refuses such bodies: it walks JSON already
// validated by json.Unmarshal alongside the Go type it went into, and fails
// on a name that appears twice in one object, and on a name that matches a
// struct field only when case is ignored. Names that match no field stay
// ignored, as before. It allocates only for names holding escapes, and a
// large object (metadata) is checked with a map rather than in square time.

// checkKeys checks data, a valid JSON text, against the type of v.
func checkKeys(data []byte, v any) error {
	c := keyChecker{b: data}
	return c.value(reflect.TypeOf(v))
}

type keyChecker struct {
	b []byte
	i int
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// value checks the value at c.i, which goes into a t (nil: unknown, any).
// Only objects and arrays look at t: scalars cost no reflection.
func (c *keyChecker) value(t reflect.Type) error {
	c.space()
	switch c.b[c.i] {
	case '{':
		return c.object(concrete(t))
	case '[':
		t = concrete(t)
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		c.i++
		for {
			c.space()
			if c.b[c.i] == ']' {
				c.i++
				return nil
			}
			if err := c.value(elem); err != nil {
				return err
			}
			c.space()
			if c.b[c.i] == ',' {
				c.i++
			}
		}
	case '"':
		c.str()
	default: // number, true, false, null
		for c.i < len(c.b) && !endsLiteral(c.b[c.i]) {
			c.i++
		}
	}
	return nil
}

func endsLiteral(b byte) bool {
	switch b {
	case ',', ']', '}', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

// concrete is the type whose shape the JSON fills: pointers followed, and
// nil for a type that decodes itself (its inner names are its own business)
// or for an interface.
func concrete(t reflect.Type) reflect.Type {
	for t != nil {
		if t.Implements(jsonUnmarshaler) || reflect.PointerTo(t).Implements(jsonUnmarshaler) ||
			t.Implements(textUnmarshaler) || reflect.PointerTo(t).Implements(textUnmarshaler) {
			return nil
		}
		switch t.Kind() {
		case reflect.Pointer:
			t = t.Elem()
		case reflect.Interface:
			return nil
		default:
			return t
		}
	}
	return nil
}

// smallObject is how many names an object may have before duplicates are
// found with a map instead of by comparing each pair.
const smallObject = 16

func (c *keyChecker) object(t reflect.Type) error {
	var fields *structFields
	var elem reflect.Type
	if t != nil {
		switch t.Kind() {
		case reflect.Struct:
			fields = fieldsOf(t)
		case reflect.Map:
			elem = t.Elem()
		}
	}
	var small [smallObject][]byte
	names := small[:0]
	var seen map[string]bool
	c.i++ // {
	for {
		c.space()
		if c.b[c.i] == '}' {
			c.i++
			return nil
		}
		name := c.name()
		switch {
		case seen != nil:
			if seen[string(name)] {
				return duplicateName(name)
			}
			seen[string(name)] = true
		case len(names) == smallObject:
			seen = make(map[string]bool, 2*smallObject)
			for _, n := range names {
				seen[string(n)] = true
			}
			if seen[string(name)] {
				return duplicateName(name)
			}
			seen[string(name)] = true
		default:
			for _, n := range names {
				if bytes.Equal(n, name) {
					return duplicateName(name)
				}
			}
			names = append(names, name)
		}
		vt := elem
		if fields != nil {
			var err error
			if vt, err = fields.match(name); err != nil {
				return err
			}
		}
		c.space()
		c.i++ // :
		if err := c.value(vt); err != nil {
			return err
		}
		c.space()
		if c.b[c.i] == ',' {
			c.i++
		}
	}
}

// name reads an object's member name, unescaped.
func (c *keyChecker) name() []byte {
	start := c.i
	escaped := c.str()
	raw := c.b[start:c.i]
	if !escaped {
		return raw[1 : len(raw)-1]
	}
	var s string
	_ = json.Unmarshal(raw, &s) // valid: json.Unmarshal read it already
	return []byte(s)
}

// str skips the string at c.i and reports whether it holds escapes.
func (c *keyChecker) str() bool {
	escaped := false
	for c.i++; c.i < len(c.b); c.i++ {
		switch c.b[c.i] {
		case '\\':
			escaped = true
			c.i++
		case '"':
			c.i++
			return escaped
		}
	}
	return escaped
}

func (c *keyChecker) space() {
	for c.i < len(c.b) {
		switch c.b[c.i] {
		case ' ', '\t', '\r', '\n':
			c.i++
		default:
			return
		}
	}
}

func duplicateName(name []byte) error {
	return badRequest("the body names %q more than once in one object", name)
}

// structFields are the JSON names of a struct's fields as encoding/json
// sees them (promoted fields of embedded structs included).
type structFields struct {
	byName map[string]reflect.Type
	names  [][]byte
}

// match finds the field named exactly name. A name that differs from a
// field's only in case is refused: encoding/json would fill the field.
func (f *structFields) match(name []byte) (reflect.Type, error) {
	if t, ok := f.byName[string(name)]; ok {
		return t, nil
	}
	for _, n := range f.names {
		if bytes.EqualFold(n, name) {
			return nil, badRequest("the body names %q; the field is %q (names are case-sensitive)", name, n)
		}
	}
	return nil, nil
}

// fieldCache memoizes fieldsOf, as encoding/json memoizes its own field
// lists: facts about types, fixed at compile time, not state.
var fieldCache sync.Map // reflect.Type -> *structFields

func fieldsOf(t reflect.Type) *structFields {
	if f, ok := fieldCache.Load(t); ok {
		return f.(*structFields)
	}
	f := &structFields{byName: map[string]reflect.Type{}}
	collectFields(t, f, 0)
	fieldCache.Store(t, f)
	return f
}

// collectFields follows encoding/json's naming: the tag's name, else the
// field's; "-" skips; an embedded struct without a tag name promotes its
// fields (the outer field wins a clash).
func collectFields(t reflect.Type, f *structFields, depth int) {
	if depth > 8 {
		return
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" {
			et := sf.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				collectFields(et, f, depth+1)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if _, clash := f.byName[name]; clash && depth > 0 {
			continue
		}
		f.byName[name] = sf.Type
		f.names = append(f.names, []byte(name))
	}
}

func badRequest(format string, args ...any) error {
	return parley.Errorf(parley.KindInvalid, parley.CodeBadRequest, format, args...)
}
