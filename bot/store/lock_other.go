//go:build !unix

package store

import (
	"errors"
	"os"
)

var errWouldBlock = errors.New("would block")

// flockExclusive does nothing where flock does not exist: there a second
// process on one SQLite file is not refused.
func flockExclusive(*os.File) error { return nil }
