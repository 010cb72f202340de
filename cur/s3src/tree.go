// Package s3src reads CUR folders and files in Amazon S3 or an S3-compatible store, named by
// s3://bucket/key URLs. It is the one package that talks to the AWS SDK: discovery walks a
// bucket through Tree as it walks a local folder.
package s3src

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// Scheme starts every name this package reads.
const Scheme = "s3://"

// Tree is a view of S3 in which folders are key prefixes ending at a "/". Its names are
// s3://bucket/key URLs.
type Tree struct {
	ctx    context.Context
	client *s3.Client
	payer  types.RequestPayer // "requester" for requester-pays buckets
}

// New loads the AWS SDK's default configuration: the standard credential chain, AWS_REGION,
// and AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL for S3-compatible stores. An endpoint on
// localhost or an IP address is addressed path-style, as such servers have no DNS names per
// bucket. Requests are bound to ctx.
//
// Two settings have no standard AWS name: CURNORM_S3_PATH_STYLE=true forces path-style
// addressing for other S3-compatible servers, and CURNORM_S3_REQUESTER_PAYS=true accepts the
// charges of a requester-pays bucket.
func New(ctx context.Context) (*Tree, error) {
	// A stalled endpoint must fail the run rather than hang a CI job; throttling and 5xx
	// answers are retried with backoff by the SDK's standard retryer.
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.ResponseHeaderTimeout = time.Minute
	})
	cfg, err := config.LoadDefaultConfig(ctx, config.WithHTTPClient(httpClient))
	if err != nil {
		return nil, fmt.Errorf("s3: loading AWS configuration: %w", err)
	}
	pathStyle, err := boolEnv("CURNORM_S3_PATH_STYLE")
	if err != nil {
		return nil, err
	}
	payer, err := boolEnv("CURNORM_S3_REQUESTER_PAYS")
	if err != nil {
		return nil, err
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		// Objects uploaded without a checksum are normal; the SDK would log each one.
		o.DisableLogOutputChecksumValidationSkipped = true
		o.UsePathStyle = pathStyle || o.BaseEndpoint != nil && isLocalEndpoint(*o.BaseEndpoint)
	})
	t := &Tree{ctx: ctx, client: client}
	if payer {
		t.payer = types.RequestPayerRequester
	}
	return t, nil
}

// boolEnv reads a true/false environment variable; unset is false.
func boolEnv(name string) (bool, error) {
	v := os.Getenv(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("s3: %s=%q is not true or false", name, v)
	}
	return b, nil
}

func isLocalEndpoint(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || net.ParseIP(h) != nil
}

// split parses s3://bucket/key into its bucket and key.
func split(name string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(name, Scheme)
	bucket, key, _ = strings.Cut(rest, "/")
	if !ok || bucket == "" {
		return "", "", fmt.Errorf("%s: not an s3://bucket/key URL", name)
	}
	return bucket, key, nil
}

// Abs returns name without a trailing slash: the same object or folder always has one name.
func (t *Tree) Abs(name string) (string, error) {
	bucket, key, err := split(name)
	if err != nil {
		return "", err
	}
	if key = strings.Trim(key, "/"); key == "" {
		return Scheme + bucket, nil
	}
	return Scheme + bucket + "/" + key, nil
}

// Stat describes an object, or a folder when objects exist below name/.
func (t *Tree) Stat(name string) (fs.FileInfo, error) {
	bucket, key, err := split(name)
	if err != nil {
		return nil, err
	}
	if key != "" && !strings.HasSuffix(key, "/") {
		out, err := t.client.HeadObject(t.ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: &key, RequestPayer: t.payer})
		if err == nil {
			return fileInfo{name: path.Base(key), size: aws.ToInt64(out.ContentLength), mod: aws.ToTime(out.LastModified)}, nil
		}
		if !isNotFound(err) {
			return nil, pathError("stat", name, err, "s3:GetObject", bucket+"/"+key)
		}
	}
	prefix := folderPrefix(key)
	out, err := t.client.ListObjectsV2(t.ctx, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix, MaxKeys: aws.Int32(1), RequestPayer: t.payer})
	if err != nil {
		return nil, pathError("stat", name, err, "s3:ListBucket", bucket)
	}
	if len(out.Contents) == 0 && prefix != "" {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fmt.Errorf("no object of this key and none below it: %w", fs.ErrNotExist)}
	}
	return fileInfo{name: path.Base("/" + bucket + "/" + prefix), dir: true}, nil
}

// folderPrefix is the key prefix of the objects in folder key ("" for the bucket).
func folderPrefix(key string) string {
	key = strings.Trim(key, "/")
	if key == "" {
		return ""
	}
	return key + "/"
}

// WalkDir lists root one folder at a time (ListObjectsV2 with a "/" delimiter, paginated), so
// a folder fn skips is never listed. Entries come in lexical order, as fs.WalkDir gives them.
func (t *Tree) WalkDir(root string, fn fs.WalkDirFunc) error {
	abs, err := t.Abs(root)
	if err != nil {
		return err
	}
	if err := fn(root, fs.FileInfoToDirEntry(fileInfo{name: path.Base(abs), dir: true}), nil); err != nil {
		if errors.Is(err, fs.SkipDir) || errors.Is(err, fs.SkipAll) {
			return nil
		}
		return err
	}
	err = t.walk(strings.TrimSuffix(root, "/"), abs, fn)
	if errors.Is(err, fs.SkipAll) {
		return nil
	}
	return err
}

func (t *Tree) walk(dir, abs string, fn fs.WalkDirFunc) error {
	entries, err := t.readDir(abs)
	if err != nil {
		return fn(dir, nil, err)
	}
	for _, e := range entries {
		name := dir + "/" + e.Name()
		err := fn(name, e, nil)
		switch {
		case err == nil && e.IsDir():
			err = t.walk(name, abs+"/"+e.Name(), fn)
		case errors.Is(err, fs.SkipDir) && e.IsDir():
			err = nil
		}
		if errors.Is(err, fs.SkipDir) {
			return nil // a file asked to skip the rest of its folder
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// readDir lists one folder level: its objects and its subfolders, sorted by name.
func (t *Tree) readDir(abs string) ([]fs.DirEntry, error) {
	bucket, key, err := split(abs)
	if err != nil {
		return nil, err
	}
	prefix := folderPrefix(key)
	var out []fs.DirEntry
	p := s3.NewListObjectsV2Paginator(t.client, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix, Delimiter: aws.String("/"), RequestPayer: t.payer})
	for p.HasMorePages() {
		page, err := p.NextPage(t.ctx)
		if err != nil {
			return nil, pathError("list", abs, err, "s3:ListBucket", bucket)
		}
		for _, cp := range page.CommonPrefixes {
			if n := strings.TrimSuffix(strings.TrimPrefix(aws.ToString(cp.Prefix), prefix), "/"); n != "" {
				out = append(out, fs.FileInfoToDirEntry(fileInfo{name: n, dir: true}))
			}
		}
		for _, o := range page.Contents {
			// A key ending in "/" is a folder marker the console writes, not a file.
			if n := strings.TrimPrefix(aws.ToString(o.Key), prefix); n != "" && !strings.HasSuffix(n, "/") {
				out = append(out, fs.FileInfoToDirEntry(fileInfo{name: n, size: aws.ToInt64(o.Size), mod: aws.ToTime(o.LastModified)}))
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// ReadFile returns an object's content (discovery reads manifests, which are small).
func (t *Tree) ReadFile(name string) ([]byte, error) {
	bucket, key, err := split(name)
	if err != nil {
		return nil, err
	}
	out, err := t.client.GetObject(t.ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key, RequestPayer: t.payer})
	if err != nil {
		return nil, pathError("read", name, err, "s3:GetObject", bucket+"/"+key)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: name, Err: err}
	}
	return data, nil
}

// pathError turns an SDK error into one that says what went wrong in a user's words: a
// missing object or bucket, or the permission the credentials lack.
func pathError(op, name string, err error, action, resource string) error {
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "NoSuchBucket":
			err = fmt.Errorf("no such bucket: %w", fs.ErrNotExist)
		case "NoSuchKey", "NotFound":
			err = fs.ErrNotExist
		case "AccessDenied", "Forbidden":
			err = fmt.Errorf("access denied: %s on arn:aws:s3:::%s is needed: %w", action, resource, fs.ErrPermission)
		}
	}
	return &fs.PathError{Op: op, Path: name, Err: err}
}

func isNotFound(err error) bool {
	var api smithy.APIError
	return errors.As(err, &api) && (api.ErrorCode() == "NotFound" || api.ErrorCode() == "NoSuchKey")
}

// fileInfo describes an object or a folder.
type fileInfo struct {
	name string
	size int64
	mod  time.Time
	dir  bool
}

func (f fileInfo) Name() string       { return f.name }
func (f fileInfo) Size() int64        { return f.size }
func (f fileInfo) ModTime() time.Time { return f.mod }
func (f fileInfo) IsDir() bool        { return f.dir }
func (f fileInfo) Sys() any           { return nil }

func (f fileInfo) Mode() fs.FileMode {
	if f.dir {
		return fs.ModeDir | 0o555
	}
	return 0o444
}
