package client

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"

	"github.com/parleychat/parley"
)

// The server writes message ids as strings ("42") and counts as numbers,
// as the REST API it follows does; that API is not consistent about it
// (some of its versions write counts as strings), and servers being brought
// in line with it may change a field's JSON type between releases. So the
// SDK decodes tolerantly: a number where the Go field wants a string, or a
// numeric string where it wants a number, is converted instead of failing
// the call. The fast path is a plain json.Unmarshal; only a body that fails
// it is walked and fixed against the target type.

// decodeJSON decodes b into v (a pointer), tolerating numbers written as
// strings and the reverse.
func decodeJSON(b []byte, v any) error {
	err := json.Unmarshal(b, v)
	if err == nil {
		return nil
	}
	var tree any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if dec.Decode(&tree) != nil {
		return err // not JSON at all: the first error says why
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return err
	}
	fixed, ferr := json.Marshal(normalize(tree, rv.Type().Elem()))
	if ferr != nil {
		return err
	}
	rv.Elem().Set(reflect.Zero(rv.Type().Elem())) // drop what the failed pass filled in
	if err2 := json.Unmarshal(fixed, v); err2 != nil {
		return err
	}
	return nil
}

var (
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
	numberType      = reflect.TypeFor[json.Number]()
)

// normalize returns the decoded JSON value x with its scalars converted to
// the JSON types that t's fields ask for.
func normalize(x any, t reflect.Type) any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if x == nil || reflect.PointerTo(t).Implements(unmarshalerType) || t == numberType {
		return x // the type decodes itself
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := x.(map[string]any)
		if !ok {
			return x
		}
		fields := jsonFields(t)
		for k, v := range m {
			f, ok := fields[k]
			if !ok {
				f, ok = foldField(fields, k)
			}
			if ok {
				m[k] = normalizeField(v, f)
			}
		}
		return m
	case reflect.Slice, reflect.Array:
		if a, ok := x.([]any); ok {
			for i := range a {
				a[i] = normalize(a[i], t.Elem())
			}
		}
		return x
	case reflect.Map:
		if m, ok := x.(map[string]any); ok {
			for k, v := range m {
				m[k] = normalize(v, t.Elem())
			}
		}
		return x
	}
	return scalar(x, t, false)
}

// field is a struct field as encoding/json sees it.
type field struct {
	typ    reflect.Type
	quoted bool // the ",string" option: a number written in a string
}

func normalizeField(v any, f field) any {
	if f.quoted {
		t := f.typ
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		return scalar(v, t, true)
	}
	return normalize(v, f.typ)
}

// scalar converts a JSON scalar to the JSON type of a Go scalar type;
// quoted asks for a number in a string.
func scalar(x any, t reflect.Type, quoted bool) any {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		switch v := x.(type) {
		case json.Number:
			if quoted {
				return v.String()
			}
		case string:
			if quoted {
				return x
			}
			s := strings.TrimSpace(v)
			if s == "" {
				return json.Number("0")
			}
			if _, err := strconv.ParseFloat(s, 64); err == nil {
				return json.Number(s)
			}
		}
	case reflect.String:
		if v, ok := x.(json.Number); ok {
			return v.String()
		}
	case reflect.Bool:
		if v, ok := x.(string); ok {
			if b, err := strconv.ParseBool(v); err == nil {
				return b
			}
		}
	}
	return x
}

// jsonFields maps the JSON names of t's fields, promoted fields of embedded
// structs included, to their types.
func jsonFields(t reflect.Type) map[string]field {
	fs := make(map[string]field)
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := sf.Type
		if sf.Anonymous && name == "" {
			et := ft
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				for k, f := range jsonFields(et) {
					if _, taken := fs[k]; !taken {
						fs[k] = f
					}
				}
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		quoted := false
		for _, o := range strings.Split(opts, ",") {
			quoted = quoted || o == "string"
		}
		fs[name] = field{typ: ft, quoted: quoted}
	}
	return fs
}

// foldField finds a field whose name matches k ignoring case, as
// encoding/json does.
func foldField(fs map[string]field, k string) (field, bool) {
	for name, f := range fs {
		if strings.EqualFold(name, k) {
			return f, true
		}
	}
	return field{}, false
}

// typeEntities replaces the generic maps that decoding leaves in a
// message's entities (and in a conversation's conversationWith) with the
// typed values they hold: *parley.User, *parley.Group or *parley.Message,
// so that callers can use a type switch.
func typeEntities(m *parley.Message) {
	if m == nil {
		return
	}
	for k, e := range m.Data.Entities {
		e.Entity = typedEntity(e.EntityType, e.Entity)
		m.Data.Entities[k] = e
	}
	typeEntities(m.QuotedMessage)
}

// typedEntity re-decodes a generic entity as the type entityType names.
func typedEntity(entityType string, v any) any {
	if _, ok := v.(map[string]any); !ok {
		return v
	}
	b, err := json.Marshal(v)
	if err != nil {
		return v
	}
	switch entityType {
	case "user":
		var u parley.User
		if decodeJSON(b, &u) == nil {
			return &u
		}
	case "group":
		var g parley.Group
		if decodeJSON(b, &g) == nil {
			return &g
		}
	case "message":
		var m parley.Message
		if decodeJSON(b, &m) == nil {
			typeEntities(&m)
			return &m
		}
	case "call":
		var c parley.CallEntity
		if decodeJSON(b, &c) == nil {
			return &c
		}
	}
	return v
}

// typeConversation makes a conversation's conversationWith a *parley.User
// or *parley.Group and types its last message's entities.
func typeConversation(c *parley.Conversation) {
	if c == nil {
		return
	}
	switch c.ConversationType {
	case parley.ConversationUser:
		c.ConversationWith = typedEntity("user", c.ConversationWith)
	case parley.ConversationGroup:
		c.ConversationWith = typedEntity("group", c.ConversationWith)
	}
	typeEntities(c.LastMessage)
}
