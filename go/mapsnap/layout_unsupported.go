//go:build !go1.24 || (go1.24 && !go1.26 && !goexperiment.swissmap)

package mapsnap

import (
	"errors"
	"fmt"
	"runtime"
)

// ErrUnsupportedVersion is returned when the running toolchain's map layout
// is not one this package mirrors.
var ErrUnsupportedVersion = errors.New("mapsnap: unsupported Go version")

// CaptureWith refuses: this build uses the classic (noswissmap) layout or a
// release older than go1.24, which this package does not mirror.
func CaptureWith(m any, opt Options) (Snapshot, error) {
	return Snapshot{}, fmt.Errorf("%w %q: only Swiss-table maps (go1.24–go1.26, default GOEXPERIMENT) are captured", ErrUnsupportedVersion, runtime.Version())
}
