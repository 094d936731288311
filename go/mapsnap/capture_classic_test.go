//go:build !go1.24 || (go1.24 && !go1.26 && !goexperiment.swissmap)

package mapsnap

import (
	"fmt"
	"runtime"
	"strconv"
	"testing"
)

// checkClassic verifies a classic snapshot against the runtime's rules: 2^B
// buckets, 8 tophash cells per bucket of each chain, every full cell's key
// hashed into that bucket (low B bits) with that tophash (top byte, bumped
// below 5), old buckets (while growing) indexed by the low bits of the old
// size, and the full cells of the new and not-yet-evacuated old buckets adding
// up to len(m), each key once. It returns the cells that were emptied by
// deletes (emptyOne) and the overflow buckets seen.
func checkClassic(t *testing.T, s Snapshot, wantLen int) (emptyOnes, overflow int) {
	t.Helper()
	if s.Schema != SchemaID || s.Layout != "classic" || s.Classic == nil || s.Swiss != nil {
		t.Fatalf("schema/layout = %q/%q", s.Schema, s.Layout)
	}
	if s.Count != wantLen {
		t.Fatalf("count = %d, want %d", s.Count, wantLen)
	}
	cl := s.Classic
	if len(cl.Buckets) != 1<<cl.B {
		t.Fatalf("B=%d but %d buckets", cl.B, len(cl.Buckets))
	}
	seen := map[string]bool{}
	full := 0
	walk := func(buckets []Bucket, bits int, old bool) {
		for bi, b := range buckets {
			if old && b.Evacuated {
				for _, cb := range b.Chain {
					for _, th := range cb.Tophash {
						if th >= minTopHash {
							t.Fatalf("evacuated old bucket %d still has a full cell", bi)
						}
					}
				}
				continue
			}
			for ci, cb := range b.Chain {
				if len(cb.Tophash) != bucketCnt {
					t.Fatalf("bucket %d chain %d: %d tophash", bi, ci, len(cb.Tophash))
				}
				if ci > 0 {
					overflow++
				}
				n := 0
				for _, th := range cb.Tophash {
					switch {
					case th >= minTopHash:
						n++
					case th == emptyOne:
						emptyOnes++
					case th == emptyRest:
					default:
						if !old {
							t.Fatalf("bucket %d: evacuation mark %d in a new bucket", bi, th)
						}
					}
				}
				if n != len(cb.Slots) {
					t.Fatalf("bucket %d chain %d: %d full cells, %d slots", bi, ci, n, len(cb.Slots))
				}
				full += n
				for _, sl := range cb.Slots {
					h := parseHex(t, sl.Hash)
					if got := int(h & (1<<bits - 1)); got != bi {
						t.Fatalf("key %s (hash %#x) in bucket %d, hash selects %d (B=%d, old=%v)", sl.Key, h, bi, got, bits, old)
					}
					top := int(h >> 56)
					if top < minTopHash {
						top += minTopHash
					}
					if cb.Tophash[sl.I] != top {
						t.Fatalf("key %s: tophash %d, hash top byte %d", sl.Key, cb.Tophash[sl.I], top)
					}
					if seen[sl.Key] {
						t.Fatalf("key %s twice", sl.Key)
					}
					seen[sl.Key] = true
				}
			}
		}
	}
	walk(cl.Buckets, cl.B, false)
	if cl.OldBuckets != nil {
		oldB := cl.B - 1
		if cl.Flags&flagSameSizeGrow != 0 {
			oldB = cl.B
		}
		if len(cl.OldBuckets) != 1<<oldB {
			t.Fatalf("%d old buckets for B=%d", len(cl.OldBuckets), cl.B)
		}
		walk(cl.OldBuckets, oldB, true)
		ev := 0
		for i, b := range cl.OldBuckets {
			if b.Evacuated {
				ev++
			} else if i < cl.Nevacuate {
				t.Fatalf("old bucket %d below nevacuate %d not evacuated", i, cl.Nevacuate)
			}
		}
	}
	if full != wantLen || len(seen) != wantLen {
		t.Fatalf("full cells %d, distinct keys %d, len %d", full, len(seen), wantLen)
	}
	return emptyOnes, overflow
}

func TestClassicRunsOnThisToolchain(t *testing.T) {
	if _, ok := supportedVersion(runtime.Version()); !ok {
		t.Fatalf("classic tests built for %s, which Capture refuses", runtime.Version())
	}
	t.Logf("classic capture on %s", runtime.Version())
}

func TestClassicIntKeys(t *testing.T) {
	for _, n := range sizes {
		m := map[int]int{}
		for i := 0; i < n; i++ {
			m[i] = i
		}
		s := capture(t, m)
		checkClassic(t, s, n)
		// Growth points: make(map) with no hint starts at B = 0 and grows past
		// 6.5 entries per bucket; n entries inserted one by one end with the
		// smallest B for which n is not over the load factor (unless a grow is
		// still running — then B is already the new size).
		wantB := 0
		for n > bucketCnt && n > 13*(1<<wantB)/2 {
			wantB++
		}
		if s.Classic.B != wantB {
			t.Fatalf("n=%d: B=%d, want %d", n, s.Classic.B, wantB)
		}
		if s.Capture.GroupSize != 8+8*8+8*8+8 {
			t.Fatalf("map[int]int bucket size %d", s.Capture.GroupSize)
		}
	}
}

func TestClassicStringAndStructKeys(t *testing.T) {
	for _, n := range sizes {
		ms := map[string]int{}
		mp := map[pt]bool{}
		for i := 0; i < n; i++ {
			ms[fmt.Sprintf("key-%d", i)] = i
			mp[pt{int32(i), int32(-i), strconv.Itoa(i)}] = true
		}
		checkClassic(t, capture(t, ms), n)
		checkClassic(t, capture(t, mp), n)
	}
}

func TestClassicBigKeysIndirect(t *testing.T) {
	type big struct{ A [40]int64 }
	m := map[big]int{}
	for i := 0; i < 300; i++ {
		m[big{A: [40]int64{int64(i)}}] = i
	}
	s := capture(t, m)
	if !s.Capture.IndirectKey || s.Capture.IndirectElem {
		t.Fatalf("indirect key/elem = %v/%v", s.Capture.IndirectKey, s.Capture.IndirectElem)
	}
	checkClassic(t, s, 300)
}

func TestClassicDeletes(t *testing.T) {
	m := map[int]int{}
	for i := 0; i < 5000; i++ {
		m[i] = i
	}
	for i := 0; i < 5000; i += 2 {
		delete(m, i)
	}
	holes, _ := checkClassic(t, capture(t, m), 2500)
	if holes == 0 {
		t.Fatal("expected emptyOne cells after deleting every other key")
	}
	// The bucket array never shrinks.
	for i := 0; i < 5000; i++ {
		delete(m, i)
	}
	s := capture(t, m)
	checkClassic(t, s, 0)
	if s.Classic.B != 10 {
		t.Fatalf("emptied map: B=%d, want the 10 it grew to", s.Classic.B)
	}
}

func TestClassicDuringGrowth(t *testing.T) {
	// 52 = 6.5 × 8 entries fill B=3; the 53rd starts a grow to B=4 and evacuates
	// at most two old buckets per write from then on.
	m := map[int]int{}
	for i := 0; i < 52; i++ {
		m[i] = i
	}
	s := capture(t, m)
	checkClassic(t, s, 52)
	if s.Classic.B != 3 || s.Classic.OldBuckets != nil {
		t.Fatalf("52 entries: B=%d growing=%v", s.Classic.B, s.Classic.OldBuckets != nil)
	}
	m[52] = 52
	s = capture(t, m)
	checkClassic(t, s, 53)
	if s.Classic.B != 4 || len(s.Classic.OldBuckets) != 8 {
		t.Fatalf("53 entries: B=%d, %d old buckets", s.Classic.B, len(s.Classic.OldBuckets))
	}
	evacuated := func(s Snapshot) (n int) {
		for _, b := range s.Classic.OldBuckets {
			if b.Evacuated {
				n++
			}
		}
		return
	}
	if e := evacuated(s); e < 1 || e > 2 {
		t.Fatalf("after the growing insert: %d old buckets evacuated, want 1..2", e)
	}
	// Reads never evacuate.
	_ = m[7]
	if e2 := evacuated(capture(t, m)); e2 != evacuated(s) {
		t.Fatalf("a read evacuated (%d -> %d)", evacuated(s), e2)
	}
	// Each further write evacuates one or two more old buckets (the one feeding
	// the written bucket, if not done yet, and the one at nevacuate), so the
	// grow ends within 7 more writes.
	prev := evacuated(s)
	for writes := 1; ; writes++ {
		m[52+writes] = writes
		s = capture(t, m)
		checkClassic(t, s, 53+writes)
		if s.Classic.OldBuckets == nil {
			if s.Classic.Nevacuate != 8 {
				t.Fatalf("grow done, nevacuate=%d", s.Classic.Nevacuate)
			}
			break
		}
		e := evacuated(s)
		if d := e - prev; d < 1 || d > 2 {
			t.Fatalf("write %d evacuated %d old buckets", writes, d)
		}
		prev = e
		if writes >= 7 {
			t.Fatalf("still growing after %d writes", writes)
		}
	}
}

func TestClassicEmptyAndNil(t *testing.T) {
	var nm map[string]int
	s, err := Capture(nm)
	if err != nil || s.Count != 0 || len(s.Classic.Buckets) != 1 {
		t.Fatalf("nil map: %v %+v", err, s)
	}
	s = capture(t, make(map[int]int))
	checkClassic(t, s, 0)
	if s.Capture.Note == "" {
		t.Fatal("unallocated bucket array not noted")
	}
}

func TestClassicRefusals(t *testing.T) {
	if _, err := Capture(42); err == nil {
		t.Fatal("non-map accepted")
	}
	if _, err := Capture(nil); err == nil {
		t.Fatal("nil accepted")
	}
	for _, v := range []string{"go1.21.13", "go1.20", "go1.26.8", "devel go1.27-abc"} {
		if _, ok := supportedVersion(v); ok {
			t.Fatalf("%s accepted", v)
		}
	}
	for _, v := range []string{"go1.22.0", "go1.23.4", "go1.24rc1", "go1.25.0"} {
		if _, ok := supportedVersion(v); !ok {
			t.Fatalf("%s refused", v)
		}
	}
	m := map[string]int{"a": 1}
	if _, err := Capture(&m); err == nil {
		t.Fatal("pointer to map accepted")
	}
	s, err := CaptureWith(m, Options{NoKeys: true, Label: "x"})
	if err != nil || s.Capture.Label != "x" || s.Classic.Buckets[0].Chain[0].Slots[0].Key != "" || s.Classic.Buckets[0].Chain[0].Slots[0].Hash == "" {
		t.Fatalf("NoKeys: %v %+v", err, s.Classic)
	}
}
