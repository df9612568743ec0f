package token

import "testing"

func TestNewCheck(t *testing.T) {
	s := New()
	id, ok := ID(s.Value)
	if !ok || id != s.ID {
		t.Fatalf("ID(%q) = %q, %v; want %q, true", s.Value, id, ok, s.ID)
	}
	if !Equal(s.Value, s.Hash) {
		t.Fatal("Equal(value, its hash) = false")
	}
	other := New()
	if Equal(other.Value, s.Hash) {
		t.Fatal("Equal(other value, hash) = true")
	}
	if s.Value == other.Value {
		t.Fatal("two secrets are equal")
	}
}

func TestIDRejects(t *testing.T) {
	s := New()
	for _, v := range []string{"", "abc", s.Value + "0", s.Value[:len(s.Value)-1] + "G", "Z" + s.Value[1:]} {
		if _, ok := ID(v); ok {
			t.Errorf("ID(%q) ok; want rejected", v)
		}
	}
}

func TestMask(t *testing.T) {
	s := New()
	m := Mask(s.ID)
	if len(m) != len(s.Value) || m[:IDLen] != s.ID || m == s.Value {
		t.Fatalf("Mask = %q", m)
	}
}
