package discover

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/curnorm/curnorm/cur"
	"github.com/curnorm/curnorm/cur/s3src"
)

// Tree is what discovery reads folders and manifests through: the local disk, or an object
// store whose names are URLs (s3://bucket/key). Names are the ones discovery hands it: paths as
// the user wrote them, or the absolute names Abs returns.
type Tree interface {
	// Abs is the absolute name of name: the key discovery uses for the same file met twice.
	Abs(name string) (string, error)
	// Stat describes name, following links.
	Stat(name string) (fs.FileInfo, error)
	// WalkDir calls fn for root and everything below it in lexical order, as fs.WalkDir does.
	WalkDir(root string, fn fs.WalkDirFunc) error
	// ReadFile returns the whole content of name.
	ReadFile(name string) ([]byte, error)
	// Object is what cur.Open reads for the file name; nil when it opens the path itself.
	Object(name string) cur.Object
}

// diskTree is the local file system.
type diskTree struct{}

func (diskTree) Abs(name string) (string, error)       { return filepath.Abs(name) }
func (diskTree) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }
func (diskTree) ReadFile(name string) ([]byte, error)  { return os.ReadFile(name) }
func (diskTree) Object(string) cur.Object              { return nil }

func (diskTree) WalkDir(root string, fn fs.WalkDirFunc) error {
	st, err := os.Lstat(root)
	if err != nil || st.Mode()&fs.ModeSymlink == 0 {
		return filepath.WalkDir(root, fn)
	}
	// WalkDir does not follow a link, not even the one it starts from; a trailing separator
	// makes the system resolve it. fn still sees root as it was given.
	start := root + string(filepath.Separator)
	return filepath.WalkDir(start, func(p string, e fs.DirEntry, err error) error {
		if p == start {
			p = root
		}
		return fn(p, e, err)
	})
}

// urlScheme is the prefix of names that live in an object store rather than on disk.
const urlScheme = s3src.Scheme

func isURL(name string) bool { return strings.HasPrefix(name, urlScheme) }

// The name helpers below take local paths with the system's separator and URLs with slashes,
// so that the layout rules read both alike.

func nameDir(name string) string {
	if rest, ok := strings.CutPrefix(name, urlScheme); ok {
		return urlScheme + path.Dir(rest)
	}
	return filepath.Dir(name)
}

func nameBase(name string) string {
	if rest, ok := strings.CutPrefix(name, urlScheme); ok {
		return path.Base(rest)
	}
	return filepath.Base(name)
}

// nameJoin appends the slash path rel to dir.
func nameJoin(dir, rel string) string {
	if rest, ok := strings.CutPrefix(dir, urlScheme); ok {
		return urlScheme + path.Join(rest, rel)
	}
	return filepath.Join(dir, filepath.FromSlash(rel))
}

// nameRel is the slash path of target below dir.
func nameRel(dir, target string) (string, bool) {
	if isURL(dir) {
		rel, ok := strings.CutPrefix(target, dir+"/")
		return rel, ok
	}
	rel, err := filepath.Rel(dir, target)
	if err != nil {
		return "", false
	}
	return filepath.ToSlash(rel), true
}
