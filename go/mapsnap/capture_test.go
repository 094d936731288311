//go:build go1.26 || (go1.24 && goexperiment.swissmap)

package mapsnap

import (
	"fmt"
	"strconv"
	"testing"
	"unsafe"
)

// check verifies the snapshot against the Swiss-table rules and returns the
// number of tombstones seen.
func check(t *testing.T, s Snapshot, wantLen int) int {
	t.Helper()
	if s.Schema != SchemaID || s.Layout != "swiss" {
		t.Fatalf("schema/layout = %q/%q", s.Schema, s.Layout)
	}
	if s.Count != wantLen {
		t.Fatalf("count = %d, want %d", s.Count, wantLen)
	}
	sw := s.Swiss
	if sw.DirLen == 0 {
		if sw.Small == nil {
			if wantLen != 0 {
				t.Fatalf("no group for %d entries", wantLen)
			}
			return 0
		}
		ctrl := parseHex(t, sw.Small.Ctrl)
		full := 0
		for i := 0; i < 8; i++ {
			b := ctrlByte(ctrl, i)
			if b == ctrlDeleted {
				t.Fatalf("small map has a tombstone")
			}
			if b&0x80 == 0 {
				full++
			}
		}
		if full != wantLen || len(sw.Small.Slots) != wantLen {
			t.Fatalf("small group full=%d slots=%d want %d", full, len(sw.Small.Slots), wantLen)
		}
		for _, sl := range sw.Small.Slots {
			if uint8(parseHex(t, sl.Hash)&0x7f) != ctrlByte(ctrl, sl.I) {
				t.Fatalf("small slot %d: ctrl != H2", sl.I)
			}
		}
		return 0
	}
	if sw.DirLen != 1<<sw.GlobalDepth || len(sw.Directory) != sw.DirLen {
		t.Fatalf("dirLen %d, globalDepth %d, directory %d", sw.DirLen, sw.GlobalDepth, len(sw.Directory))
	}
	hashBits := 8 * int(unsafe.Sizeof(uintptr(0))) // 32-bit platforms use 32-bit hashes
	if sw.GlobalShift != hashBits-sw.GlobalDepth {
		t.Fatalf("globalShift %d for depth %d", sw.GlobalShift, sw.GlobalDepth)
	}
	total, tombs := 0, 0
	for _, tb := range s.Swiss.Tables {
		// Directory: table appears in 2^(G-d) consecutive slots from index.
		span := 1 << (sw.GlobalDepth - tb.LocalDepth)
		if tb.Index%span != 0 {
			t.Fatalf("table %d index %d not aligned to %d", tb.ID, tb.Index, span)
		}
		for i := 0; i < sw.DirLen; i++ {
			in := i >= tb.Index && i < tb.Index+span
			if in != (sw.Directory[i] == tb.ID) {
				t.Fatalf("table %d (index %d span %d) vs directory[%d]=%d", tb.ID, tb.Index, span, i, sw.Directory[i])
			}
		}
		if tb.Capacity != len(tb.Groups)*8 || tb.Capacity > 1024 || tb.Capacity&(tb.Capacity-1) != 0 {
			t.Fatalf("table %d capacity %d groups %d", tb.ID, tb.Capacity, len(tb.Groups))
		}
		mask := uint64(len(tb.Groups) - 1)
		hasEmpty := make([]bool, len(tb.Groups))
		full, dead := 0, 0
		for gi, g := range tb.Groups {
			ctrl := parseHex(t, g.Ctrl)
			gf := 0
			for i := 0; i < 8; i++ {
				switch b := ctrlByte(ctrl, i); {
				case b == ctrlEmpty:
					hasEmpty[gi] = true
				case b == ctrlDeleted:
					dead++
				case b&0x80 == 0:
					gf++
				default:
					t.Fatalf("bad ctrl byte %#x", b)
				}
			}
			if gf != len(g.Slots) {
				t.Fatalf("group %d: %d full ctrl bytes, %d slots", gi, gf, len(g.Slots))
			}
			full += gf
		}
		if full != tb.Used {
			t.Fatalf("table %d: used %d, full slots %d", tb.ID, tb.Used, full)
		}
		maxGrowth := tb.Capacity * 7 / 8
		if tb.Capacity <= 8 {
			maxGrowth = tb.Capacity - 1
		}
		if tb.Used+dead+tb.GrowthLeft != maxGrowth {
			t.Fatalf("table %d: used %d + tombstones %d + growthLeft %d != %d", tb.ID, tb.Used, dead, tb.GrowthLeft, maxGrowth)
		}
		for gi, g := range tb.Groups {
			ctrl := parseHex(t, g.Ctrl)
			for _, sl := range g.Slots {
				h := parseHex(t, sl.Hash)
				if ctrlByte(ctrl, sl.I) != uint8(h&0x7f) {
					t.Fatalf("key %s: ctrl %#x != H2 %#x", sl.Key, ctrlByte(ctrl, sl.I), h&0x7f)
				}
				di := 0
				if sw.GlobalDepth > 0 {
					di = int(h >> uint(sw.GlobalShift))
				}
				if sw.Directory[di] != tb.ID {
					t.Fatalf("key %s: directory[%d]=%d, found in table %d", sl.Key, di, sw.Directory[di], tb.ID)
				}
				// Walk the probe sequence from H1: the key's group must be
				// reached before any group holding an empty slot.
				off := (h >> 7) & mask
				for i := uint64(1); ; i++ {
					if int(off) == gi {
						break
					}
					if hasEmpty[off] || i > mask+1 {
						t.Fatalf("key %s in group %d unreachable from H1 group %d", sl.Key, gi, (h>>7)&mask)
					}
					off = (off + i) & mask
				}
			}
		}
		total += tb.Used
		tombs += dead
	}
	if total != wantLen {
		t.Fatalf("sum of table used = %d, len = %d", total, wantLen)
	}
	return tombs
}

func TestIntKeys(t *testing.T) {
	for _, n := range sizes {
		m := map[int]int{}
		for i := 0; i < n; i++ {
			m[i] = i
		}
		s := capture(t, m)
		check(t, s, n)
		if n >= 5000 && len(s.Swiss.Tables) < 2 {
			t.Fatalf("n=%d: expected table splits, got %d tables", n, len(s.Swiss.Tables))
		}
		if n > 8 && s.Swiss.DirLen == 0 {
			t.Fatalf("n=%d still small", n)
		}
		if n >= 1 && n <= 8 && s.Swiss.DirLen != 0 {
			t.Fatalf("n=%d not small", n)
		}
	}
}

func TestStringKeys(t *testing.T) {
	for _, n := range sizes {
		m := map[string]int{}
		for i := 0; i < n; i++ {
			m[fmt.Sprintf("key-%d", i)] = i
		}
		check(t, capture(t, m), n)
	}
}

func TestStructKeys(t *testing.T) {
	for _, n := range sizes {
		m := map[pt]bool{}
		for i := 0; i < n; i++ {
			m[pt{int32(i), int32(-i), strconv.Itoa(i)}] = true
		}
		check(t, capture(t, m), n)
	}
}

func TestBigKeysIndirect(t *testing.T) {
	type big struct{ A [40]int64 }
	m := map[big]int{}
	for i := 0; i < 300; i++ {
		m[big{A: [40]int64{int64(i)}}] = i
	}
	s := capture(t, m)
	if !s.Capture.IndirectKey {
		t.Fatal("expected indirect key")
	}
	check(t, s, 300)
}

func TestDeletesLeaveTombstones(t *testing.T) {
	m := map[int]int{}
	for i := 0; i < 5000; i++ {
		m[i] = i
	}
	for i := 0; i < 5000; i += 2 {
		delete(m, i)
	}
	tombs := check(t, capture(t, m), 2500)
	if tombs == 0 {
		t.Fatal("expected tombstones after deleting half of a 5000-entry map")
	}
	// Small maps never hold tombstones.
	sm := map[int]int{1: 1, 2: 2, 3: 3}
	delete(sm, 2)
	check(t, capture(t, sm), 2)
}

func TestNeverShrinks(t *testing.T) {
	m := map[int]int{}
	for i := 0; i < 100000; i++ {
		m[i] = i
	}
	before := capture(t, m)
	for i := 0; i < 99000; i++ {
		delete(m, i)
	}
	after := capture(t, m)
	check(t, after, 1000)
	capOf := func(s Snapshot) (c int) {
		for _, tb := range s.Swiss.Tables {
			c += tb.Capacity
		}
		return
	}
	if capOf(after) != capOf(before) {
		t.Fatalf("capacity changed %d -> %d", capOf(before), capOf(after))
	}
}

func TestDuringGrowth(t *testing.T) {
	// Inserting while iterating: the iterator keeps stale tables alive while
	// the map grows and splits underneath it.
	m := map[int]int{}
	for i := 0; i < 900; i++ {
		m[i] = i
	}
	next := 900
	steps := 0
	for range m {
		for j := 0; j < 50; j++ {
			m[next] = next
			next++
		}
		steps++
		if steps%5 == 0 {
			check(t, capture(t, m), len(m))
		}
		if steps > 60 {
			break
		}
	}
	check(t, capture(t, m), len(m))
	// Growth boundaries: small -> table (9th insert), 7/8 of 1024 -> split.
	// Capacities at the growth points (independent of hash placement):
	// 16-slot table holds 14 (7/8), a 1024-slot table holds 896 before splitting.
	for _, c := range []struct{ n, tables, capacity, depth int }{
		{14, 1, 16, 0}, {15, 1, 32, 0}, {448, 1, 512, 0}, {449, 1, 1024, 0}, {896, 1, 1024, 0}, {897, 2, 1024, 1},
	} {
		m := map[int]int{}
		for i := 0; i < c.n; i++ {
			m[i] = i
		}
		s := capture(t, m)
		check(t, s, c.n)
		if len(s.Swiss.Tables) != c.tables || s.Swiss.Tables[0].Capacity != c.capacity || s.Swiss.GlobalDepth != c.depth {
			t.Fatalf("n=%d: %d tables, capacity %d, depth %d; want %+v", c.n, len(s.Swiss.Tables), s.Swiss.Tables[0].Capacity, s.Swiss.GlobalDepth, c)
		}
	}
}

func TestClear(t *testing.T) {
	m := map[int]int{}
	for i := 0; i < 3000; i++ {
		m[i] = i
	}
	clear(m)
	s := capture(t, m)
	check(t, s, 0)
	if s.Swiss.ClearSeq == 0 {
		t.Fatal("clearSeq not incremented")
	}
}

func TestRefusals(t *testing.T) {
	if _, err := Capture(42); err == nil {
		t.Fatal("non-map accepted")
	}
	if _, err := Capture(nil); err == nil {
		t.Fatal("nil accepted")
	}
	for _, v := range []string{"go1.23.4", "devel go1.27-abc", "go1.27"} {
		if _, ok := supportedVersion(v); ok {
			t.Fatalf("%s accepted", v)
		}
	}
	for _, v := range []string{"go1.24", "go1.25.3", "go1.26.8", "go1.26rc1"} {
		if _, ok := supportedVersion(v); !ok {
			t.Fatalf("%s refused", v)
		}
	}
	var nm map[string]int
	s, err := Capture(nm)
	if err != nil || s.Count != 0 {
		t.Fatalf("nil map: %v %+v", err, s)
	}
}

func TestSmallMapOverwriteAtEight(t *testing.T) {
	// go1.24–go1.26: an assignment to a full small map (8 entries) converts it to
	// a table even when the key already exists (golang/go#78853).
	m := map[int]int{}
	for i := 0; i < 8; i++ {
		m[i] = i
	}
	s := capture(t, m)
	if s.Swiss.DirLen != 0 {
		t.Fatalf("8 entries: dirLen %d", s.Swiss.DirLen)
	}
	m[3] = 33
	s = capture(t, m)
	check(t, s, 8)
	if s.Swiss.DirLen != 1 || s.Swiss.Tables[0].Capacity != 16 {
		t.Fatalf("expected growToTable on overwrite, got dirLen %d", s.Swiss.DirLen)
	}
}

func TestOptions(t *testing.T) {
	m := map[string]int{"a": 1, "b": 2}
	s, err := CaptureWith(m, Options{NoKeys: true, Label: "x"})
	if err != nil || s.Capture.Label != "x" || s.Swiss.Small.Slots[0].Key != "" || s.Swiss.Small.Slots[0].Hash == "" {
		t.Fatalf("NoKeys: %v %+v", err, s.Swiss.Small)
	}
	s, err = CaptureWith(m, Options{NoSlots: true})
	if err != nil || s.Capture.HashesExact || s.Swiss.Small.Slots != nil {
		t.Fatalf("NoSlots: %v %+v", err, s.Swiss.Small)
	}
	long := map[string]int{string(make([]byte, 500)): 1}
	s, _ = CaptureWith(long, Options{MaxKeyLen: 10})
	if k := s.Swiss.Small.Slots[0].Key; len(k) > 10+len("…") {
		t.Fatalf("key not truncated: %d", len(k))
	}
	if _, err := Capture(&m); err == nil {
		t.Fatal("pointer to map accepted")
	}
}
