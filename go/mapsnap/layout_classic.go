//go:build !go1.24 || (go1.24 && !go1.26 && !goexperiment.swissmap)

package mapsnap

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"unsafe"
)

// The classic map layout: runtime/map.go in go1.22–go1.23, and
// runtime/map_noswiss.go when go1.24 or go1.25 is built with
// GOEXPERIMENT=noswissmap. Mirrors of the map type descriptor (abi.MapType;
// abi.OldMapType in 1.24/1.25 noswissmap) and of the hmap header up to
// nevacuate, which is laid out the same in all of them (1.24/1.25 add
// clearSeq after nevacuate, 1.22/1.23 go straight on to extra; neither is
// read here: overflow buckets are reached through each bucket's own
// overflow pointer).

type abiMapTypeClassic struct {
	abiType
	key        *abiType
	elem       *abiType
	bucket     *abiType
	hasher     func(unsafe.Pointer, uintptr) uintptr
	keySize    uint8 // size of a key slot (a pointer when the key is indirect)
	valueSize  uint8 // size of an elem slot
	bucketSize uint16
	flags      uint32
}

const (
	classicIndirectKey  = 1
	classicIndirectElem = 2
	bucketCnt           = 8
	// tophash cell states (runtime/map.go).
	emptyRest      = 0
	emptyOne       = 1
	evacuatedX     = 2
	evacuatedY     = 3
	evacuatedEmpty = 4
	minTopHash     = 5
	// hmap.flags
	flagSameSizeGrow = 8
	// Offset of the keys in a bucket: after tophash [8]uint8 (the runtime's
	// dataOffset, 8 on every platform).
	dataOffset = bucketCnt
)

type hmapClassic struct {
	count      int
	flags      uint8
	B          uint8
	noverflow  uint16
	hash0      uint32
	buckets    unsafe.Pointer
	oldbuckets unsafe.Pointer
	nevacuate  uintptr
}

// supportedVersion: the releases whose classic layout this file mirrors and
// whose capture tests ran (go1.22, go1.23; go1.24 and go1.25 only reach this
// file when built with GOEXPERIMENT=noswissmap).
func supportedVersion(v string) (minor int, ok bool) {
	for _, p := range []struct {
		prefix string
		minor  int
	}{{"go1.22", 22}, {"go1.23", 23}, {"go1.24", 24}, {"go1.25", 25}} {
		if v == p.prefix || strings.HasPrefix(v, p.prefix+".") || strings.HasPrefix(v, p.prefix+"rc") {
			return p.minor, true
		}
	}
	return 0, false
}

// CaptureWith snapshots m with options.
func CaptureWith(m any, opt Options) (Snapshot, error) {
	ver := runtime.Version()
	if _, ok := supportedVersion(ver); !ok {
		return Snapshot{}, fmt.Errorf("%w %q: the classic layout is mirrored for go1.22–go1.23 (and go1.24–go1.25 with GOEXPERIMENT=noswissmap) only", ErrUnsupportedVersion, ver)
	}
	if m == nil {
		return Snapshot{}, errors.New("mapsnap: Capture(nil)")
	}
	rt := reflect.TypeOf(m)
	if rt.Kind() != reflect.Map {
		return Snapshot{}, fmt.Errorf("mapsnap: Capture wants a map, got %s", rt)
	}
	if opt.MaxKeyLen <= 0 {
		opt.MaxKeyLen = 64
	}
	e := (*eface)(unsafe.Pointer(&m))
	mt := (*abiMapTypeClassic)(e.typ)
	ptr := unsafe.Sizeof(uintptr(0))
	keySlot, elemSlot := rt.Key().Size(), rt.Elem().Size()
	if mt.flags&classicIndirectKey != 0 {
		keySlot = ptr
	}
	if mt.flags&classicIndirectElem != 0 {
		elemSlot = ptr
	}
	if mt.key.size != rt.Key().Size() || mt.elem.size != rt.Elem().Size() || uintptr(mt.keySize) != keySlot ||
		uintptr(mt.valueSize) != elemSlot || uintptr(mt.bucketSize) != mt.bucket.size ||
		uintptr(mt.bucketSize) != dataOffset+bucketCnt*(keySlot+elemSlot)+ptr {
		return Snapshot{}, fmt.Errorf("%w %q: map type descriptor does not match the mirrored classic layout", ErrUnsupportedVersion, ver)
	}
	s := Snapshot{
		Schema: SchemaID,
		Layout: "classic",
		Capture: CaptureInfo{
			GoVersion:    ver,
			GOARCH:       runtime.GOARCH,
			Method:       "unsafe-runtime",
			HashesExact:  !opt.NoSlots,
			KeyType:      rt.Key().String(),
			ElemType:     rt.Elem().String(),
			KeySize:      int(rt.Key().Size()),
			ElemSize:     int(rt.Elem().Size()),
			GroupSize:    int(mt.bucketSize),
			IndirectKey:  mt.flags&classicIndirectKey != 0,
			IndirectElem: mt.flags&classicIndirectElem != 0,
			Label:        opt.Label,
		},
	}
	if opt.NoSlots {
		s.Capture.Note = "slots omitted; no per-slot hashes"
	}
	cl := &ClassicMap{}
	s.Classic = cl
	h := (*hmapClassic)(e.data)
	if h == nil || h.buckets == nil {
		// A nil map, or a map whose bucket array is not allocated yet (B = 0
		// until the first insert): one empty bucket, as the runtime would
		// allocate it.
		if h != nil {
			s.Count = h.count
			cl.Flags = int(h.flags)
			cl.Hash0 = fmt.Sprintf("0x%016x", uint64(h.hash0))
		}
		cl.Buckets = []Bucket{{Chain: []ChainBucket{{Tophash: make([]int, bucketCnt)}}}}
		note := "no bucket array allocated yet: the one bucket shown is empty"
		if s.Capture.Note != "" {
			note = s.Capture.Note + "; " + note
		}
		s.Capture.Note = note
		return s, nil
	}
	s.Count = h.count
	cl.B = int(h.B)
	cl.Flags = int(h.flags)
	cl.Noverflow = int(h.noverflow)
	cl.Nevacuate = int(h.nevacuate)
	cl.Hash0 = fmt.Sprintf("0x%016x", uint64(h.hash0))
	c := classicCapturer{mt: mt, keyType: rt.Key(), seed: uintptr(h.hash0), opt: opt}
	n := 1 << h.B
	cl.Buckets = make([]Bucket, n)
	for i := 0; i < n; i++ {
		cl.Buckets[i] = c.bucket(unsafe.Add(h.buckets, uintptr(i)*uintptr(mt.bucketSize)))
	}
	if h.oldbuckets != nil {
		oldB := h.B - 1
		if h.flags&flagSameSizeGrow != 0 {
			oldB = h.B
		}
		no := 1 << oldB
		cl.OldBuckets = make([]Bucket, no)
		for i := 0; i < no; i++ {
			b := c.bucket(unsafe.Add(h.oldbuckets, uintptr(i)*uintptr(mt.bucketSize)))
			top := b.Chain[0].Tophash[0]
			b.Evacuated = top > emptyOne && top < minTopHash
			cl.OldBuckets[i] = b
		}
	}
	return s, nil
}

type classicCapturer struct {
	mt      *abiMapTypeClassic
	keyType reflect.Type
	seed    uintptr
	opt     Options
}

// bucket reads a bucket and its overflow chain (the overflow pointer is the
// last word of each bucket).
func (c *classicCapturer) bucket(p unsafe.Pointer) Bucket {
	var b Bucket
	ptr := unsafe.Sizeof(uintptr(0))
	for p != nil {
		top := (*[bucketCnt]uint8)(p)
		cb := ChainBucket{Tophash: make([]int, bucketCnt)}
		for i := 0; i < bucketCnt; i++ {
			cb.Tophash[i] = int(top[i])
			if top[i] < minTopHash || c.opt.NoSlots {
				continue
			}
			kp := unsafe.Add(p, dataOffset+uintptr(i)*uintptr(c.mt.keySize))
			if c.mt.flags&classicIndirectKey != 0 {
				kp = *(*unsafe.Pointer)(kp)
			}
			sl := Slot{I: i, Hash: fmt.Sprintf("0x%016x", uint64(c.mt.hasher(kp, c.seed)))}
			if !c.opt.NoKeys {
				sl.Key = keyText(reflect.NewAt(c.keyType, kp).Elem(), c.opt.MaxKeyLen)
			}
			cb.Slots = append(cb.Slots, sl)
		}
		b.Chain = append(b.Chain, cb)
		p = *(*unsafe.Pointer)(unsafe.Add(p, uintptr(c.mt.bucketSize)-ptr))
	}
	return b
}
