package mapsnap

import (
	"bytes"
	"encoding/json"
	"strconv"
	"testing"
)

// Shared by the Swiss (capture_test.go) and classic (capture_classic_test.go)
// tests; each of those builds only on the toolchains whose layout it checks.

type pt struct {
	X, Y int32
	Name string
}

func parseHex(t *testing.T, s string) uint64 {
	t.Helper()
	v, err := strconv.ParseUint(s[2:], 16, 64)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return v
}

func capture(t *testing.T, m any) Snapshot {
	t.Helper()
	s, err := Capture(m)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, s); err != nil {
		t.Fatal(err)
	}
	var back Snapshot
	if err := json.Unmarshal(buf.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	return back
}

var sizes = []int{0, 1, 8, 9, 100, 1000, 5000, 20000}
