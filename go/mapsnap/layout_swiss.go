//go:build go1.26 || (go1.24 && goexperiment.swissmap)

package mapsnap

import (
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"unsafe"
)

// Mirrors of internal/abi.MapType (SwissMapType in 1.24/1.25),
// internal/runtime/maps.Map, table and groupsReference. The layout is
// identical in go1.24, go1.25 and go1.26 (1.24 has padding where later
// releases have tombstonePossible).

type abiMapType struct {
	abiType
	key       *abiType
	elem      *abiType
	group     *abiType
	hasher    func(unsafe.Pointer, uintptr) uintptr
	groupSize uintptr
	slotSize  uintptr
	elemOff   uintptr
	flags     uint32
}

const (
	flagIndirectKey  = 4
	flagIndirectElem = 8
	groupSlots       = 8
	ctrlEmpty        = 0x80
	ctrlDeleted      = 0xFE
)

type rtMap struct {
	used              uint64
	seed              uintptr
	dirPtr            unsafe.Pointer
	dirLen            int
	globalDepth       uint8
	globalShift       uint8
	writing           uint8
	tombstonePossible bool // padding in go1.24
	clearSeq          uint64
}

type rtGroups struct {
	data       unsafe.Pointer
	lengthMask uint64
}

type rtTable struct {
	used       uint16
	capacity   uint16
	growthLeft uint16
	localDepth uint8
	index      int
	groups     rtGroups
}

func supportedVersion(v string) (minor int, ok bool) {
	for _, p := range []struct {
		prefix string
		minor  int
	}{{"go1.24", 24}, {"go1.25", 25}, {"go1.26", 26}} {
		if v == p.prefix || strings.HasPrefix(v, p.prefix+".") || strings.HasPrefix(v, p.prefix+"rc") {
			return p.minor, true
		}
	}
	return 0, false
}

// CaptureWith snapshots m with options.
func CaptureWith(m any, opt Options) (Snapshot, error) {
	ver := runtime.Version()
	minor, ok := supportedVersion(ver)
	if !ok {
		return Snapshot{}, fmt.Errorf("%w %q: layouts are mirrored for go1.24–go1.26 only", ErrUnsupportedVersion, ver)
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
	mt := (*abiMapType)(e.typ)
	if uintptr(mt.key.size) != rt.Key().Size() || uintptr(mt.elem.size) != rt.Elem().Size() || mt.groupSize != mt.group.size {
		return Snapshot{}, fmt.Errorf("%w %q: map type descriptor does not match the mirrored layout", ErrUnsupportedVersion, ver)
	}
	s := Snapshot{
		Schema: SchemaID,
		Layout: "swiss",
		Capture: CaptureInfo{
			GoVersion:    ver,
			GOARCH:       runtime.GOARCH,
			Method:       "unsafe-runtime",
			HashesExact:  !opt.NoSlots,
			KeyType:      rt.Key().String(),
			ElemType:     rt.Elem().String(),
			KeySize:      int(rt.Key().Size()),
			ElemSize:     int(rt.Elem().Size()),
			SlotSize:     int(mt.slotSize),
			GroupSize:    int(mt.groupSize),
			IndirectKey:  mt.flags&flagIndirectKey != 0,
			IndirectElem: mt.flags&flagIndirectElem != 0,
			Label:        opt.Label,
		},
	}
	if opt.NoSlots {
		s.Capture.Note = "slots omitted; no per-slot hashes"
	}
	hm := (*rtMap)(e.data)
	sw := &SwissMap{}
	s.Swiss = sw
	if hm == nil {
		return s, nil
	}
	s.Count = int(hm.used)
	sw.Seed = fmt.Sprintf("0x%016x", uint64(hm.seed))
	sw.GlobalDepth = int(hm.globalDepth)
	sw.GlobalShift = int(hm.globalShift)
	sw.DirLen = hm.dirLen
	sw.Writing = int(hm.writing)
	sw.ClearSeq = hm.clearSeq
	if minor >= 25 {
		tp := hm.tombstonePossible
		sw.TombstonePossible = &tp
	}
	c := capturer{mt: mt, keyType: rt.Key(), seed: hm.seed, opt: opt}
	if hm.dirLen == 0 {
		if hm.dirPtr != nil {
			g := c.group(hm.dirPtr)
			sw.Small = &g
		}
		return s, nil
	}
	dir := unsafe.Slice((**rtTable)(hm.dirPtr), hm.dirLen)
	ids := map[*rtTable]int{}
	sw.Directory = make([]int, hm.dirLen)
	for i, t := range dir {
		id, ok := ids[t]
		if !ok {
			id = len(sw.Tables)
			ids[t] = id
			sw.Tables = append(sw.Tables, c.table(t, id))
		}
		sw.Directory[i] = id
	}
	return s, nil
}

type capturer struct {
	mt      *abiMapType
	keyType reflect.Type
	seed    uintptr
	opt     Options
}

func (c *capturer) table(t *rtTable, id int) Table {
	n := int(t.groups.lengthMask) + 1
	tb := Table{
		ID: id, Capacity: int(t.capacity), Used: int(t.used), GrowthLeft: int(t.growthLeft),
		LocalDepth: int(t.localDepth), Index: t.index, Groups: make([]Group, n),
	}
	for i := 0; i < n; i++ {
		tb.Groups[i] = c.group(unsafe.Add(t.groups.data, uintptr(i)*c.mt.groupSize))
	}
	return tb
}

func (c *capturer) group(p unsafe.Pointer) Group {
	// Read the control bytes in memory order (slot i = byte i) so the recorded
	// word is the same on little- and big-endian machines.
	ctrl := binary.LittleEndian.Uint64((*[8]byte)(p)[:])
	g := Group{Ctrl: fmt.Sprintf("0x%016x", ctrl)}
	if c.opt.NoSlots {
		return g
	}
	for i := 0; i < groupSlots; i++ {
		b := ctrlByte(ctrl, i)
		if b&0x80 != 0 { // empty or deleted
			continue
		}
		kp := unsafe.Add(p, 8+uintptr(i)*c.mt.slotSize)
		if c.mt.flags&flagIndirectKey != 0 {
			kp = *(*unsafe.Pointer)(kp)
		}
		sl := Slot{I: i}
		sl.Hash = fmt.Sprintf("0x%016x", uint64(c.mt.hasher(kp, c.seed)))
		if !c.opt.NoKeys {
			sl.Key = keyText(reflect.NewAt(c.keyType, kp).Elem(), c.opt.MaxKeyLen)
		}
		g.Slots = append(g.Slots, sl)
	}
	return g
}

// ctrlByte returns control byte i (slot i) of a control word as recorded in
// the snapshot: little-endian, byte i = slot i, on every architecture.
func ctrlByte(word uint64, i int) uint8 {
	return uint8(word >> (8 * i))
}
