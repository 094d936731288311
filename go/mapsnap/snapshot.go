// Package mapsnap captures a read-only snapshot of a live Go map's internal
// layout in the "stacklens.mapsnap/v1" JSON schema documented in
// docs/map-snapshot.md: Swiss tables when built with go1.24–go1.26 (the
// default), classic buckets when built with go1.22–go1.23 or with go1.24–go1.25
// and GOEXPERIMENT=noswissmap. Other releases are refused.
//
// Capture reads runtime structures through unsafe using layout definitions
// mirrored from internal/runtime/maps (layout_swiss.go) and runtime/map.go
// (layout_classic.go), and hashes each key with the map's own hasher and seed,
// so slot hashes are exact. It must not run concurrently with writes to the
// map (same rule as reading the map).
package mapsnap

import (
	"encoding/json"
	"io"
)

// SchemaID is the value of the "schema" field.
const SchemaID = "stacklens.mapsnap/v1"

// Snapshot is one map's layout at one instant.
type Snapshot struct {
	Schema  string      `json:"schema"`
	Layout  string      `json:"layout"` // "swiss" or "classic"
	Capture CaptureInfo `json:"capture"`
	Count   int         `json:"count"`
	Swiss   *SwissMap   `json:"swiss,omitempty"`
	Classic *ClassicMap `json:"classic,omitempty"`
}

// CaptureInfo says how the snapshot was made.
type CaptureInfo struct {
	GoVersion    string `json:"goVersion"`
	GOARCH       string `json:"goarch,omitempty"`
	Method       string `json:"method"` // "unsafe-runtime" here; "simulation" from the TS simulator
	HashesExact  bool   `json:"hashesExact"`
	KeyType      string `json:"keyType,omitempty"`
	ElemType     string `json:"elemType,omitempty"`
	KeySize      int    `json:"keySize"`
	ElemSize     int    `json:"elemSize"`
	SlotSize     int    `json:"slotSize,omitempty"`
	GroupSize    int    `json:"groupSize,omitempty"`
	IndirectKey  bool   `json:"indirectKey,omitempty"`
	IndirectElem bool   `json:"indirectElem,omitempty"`
	Label        string `json:"label,omitempty"`
	Note         string `json:"note,omitempty"`
}

// SwissMap is the Swiss-table part (Go 1.24+).
type SwissMap struct {
	Seed              string  `json:"seed,omitempty"` // hex, per-map hash seed
	GlobalDepth       int     `json:"globalDepth"`
	GlobalShift       int     `json:"globalShift"`
	DirLen            int     `json:"dirLen"`
	Writing           int     `json:"writing"`
	TombstonePossible *bool   `json:"tombstonePossible,omitempty"`
	ClearSeq          uint64  `json:"clearSeq"`
	Small             *Group  `json:"small,omitempty"`     // dirLen == 0 with an allocated group
	Directory         []int   `json:"directory,omitempty"` // table id per directory slot
	Tables            []Table `json:"tables,omitempty"`
}

// Table is one Swiss table.
type Table struct {
	ID         int     `json:"id"`
	Capacity   int     `json:"capacity"`
	Used       int     `json:"used"`
	GrowthLeft int     `json:"growthLeft"`
	LocalDepth int     `json:"localDepth"`
	Index      int     `json:"index"`
	Groups     []Group `json:"groups"`
}

// Group is one 8-slot group: its control word and (optionally) its full slots.
type Group struct {
	Ctrl  string `json:"ctrl"` // "0x" + 16 hex digits, little-endian word: byte i = slot i
	Slots []Slot `json:"slots,omitempty"`
}

// Slot describes one full slot.
type Slot struct {
	I    int    `json:"i"`
	Key  string `json:"key,omitempty"`
	Hash string `json:"hash,omitempty"` // "0x" + 16 hex digits
}

// ClassicMap is the classic hmap layout (layout_classic.go).
type ClassicMap struct {
	B          int      `json:"B"`
	Flags      int      `json:"flags"`
	Noverflow  int      `json:"noverflow"`
	Nevacuate  int      `json:"nevacuate"`
	Hash0      string   `json:"hash0,omitempty"`
	Buckets    []Bucket `json:"buckets"`
	OldBuckets []Bucket `json:"oldBuckets,omitempty"`
}

// Bucket is a classic bucket with its overflow chain.
type Bucket struct {
	Chain     []ChainBucket `json:"chain"`
	Evacuated bool          `json:"evacuated,omitempty"`
}

// ChainBucket is one bmap of a chain.
type ChainBucket struct {
	Tophash []int  `json:"tophash"`
	Slots   []Slot `json:"slots,omitempty"`
}

// Options tunes Capture.
type Options struct {
	// NoKeys omits per-slot key text (hashes are still recorded).
	NoKeys bool
	// NoSlots omits per-slot records entirely (control words only).
	NoSlots bool
	// MaxKeyLen truncates key text (default 64).
	MaxKeyLen int
	// Label is copied into capture.label.
	Label string
}

// Capture snapshots m, which must be a map value.
func Capture(m any) (Snapshot, error) { return CaptureWith(m, Options{}) }

// WriteJSON writes s as compact JSON followed by a newline.
func WriteJSON(w io.Writer, s Snapshot) error {
	return json.NewEncoder(w).Encode(s)
}
