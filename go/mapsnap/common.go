package mapsnap

import (
	"errors"
	"fmt"
	"reflect"
	"unsafe"
)

// Mirror of internal/abi.Type (runtime._type before go1.21), laid out the same
// from go1.22 through go1.26: the head of every type descriptor, so of the map
// type descriptors mirrored in layout_swiss.go and layout_classic.go.
type abiType struct {
	size       uintptr
	ptrBytes   uintptr
	hash       uint32
	tflag      uint8
	align      uint8
	fieldAlign uint8
	kind       uint8
	equal      func(unsafe.Pointer, unsafe.Pointer) bool
	gcData     *byte
	str        int32
	ptrToThis  int32
}

// ErrUnsupportedVersion is returned when the running toolchain's map layout
// is not one this package mirrors.
var ErrUnsupportedVersion = errors.New("mapsnap: unsupported Go version")

// eface is an interface value: type word and data word. For a map in an
// `any`, the type word is the map's type descriptor and the data word the map
// header pointer.
type eface struct {
	typ  unsafe.Pointer
	data unsafe.Pointer
}

func keyText(v reflect.Value, max int) string {
	var s string
	if v.Kind() == reflect.String {
		s = fmt.Sprintf("%q", v.String())
	} else {
		s = fmt.Sprintf("%+v", v.Interface())
	}
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}
