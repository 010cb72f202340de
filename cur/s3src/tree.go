// Package s3src reads CUR folders and files in Amazon S3 or an S3-compatible store, named by
// s3://bucket/key URLs. It is the one package that talks to the AWS SDK: discovery walks a
// bucket through Tree as it walks a local folder.
package s3src

import (
	"cmp"
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
	"sync"
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
	ctx     context.Context
	cfg     aws.Config
	options func(*s3.Options)
	payer   types.RequestPayer // "requester" for requester-pays buckets

	mu      sync.Mutex
	clients map[string]*s3.Client // per bucket, for the bucket's own region
}

// Config holds the S3 settings that have no standard AWS name. Each is also on when its
// environment variable is true: CURNORM_S3_PATH_STYLE, CURNORM_S3_REQUESTER_PAYS.
type Config struct {
	// PathStyle addresses buckets as endpoint/bucket/key, for S3-compatible servers without
	// DNS names per bucket (an endpoint on localhost or an IP address gets it anyway).
	PathStyle bool
	// RequesterPays accepts the charges of reading a requester-pays bucket.
	RequesterPays bool
}

// responseTimeout is how long a request may wait for an answer's headers: a stalled endpoint
// must fail the run rather than hang a CI job.
var responseTimeout = time.Minute

// defaultRegion is where a bucket's region is asked when no region is configured: S3 answers
// from any region with the bucket's own.
const defaultRegion = "us-east-1"

// New loads the AWS SDK's default configuration: the standard credential chain, AWS_REGION,
// and AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL for S3-compatible stores. An endpoint on
// localhost or an IP address is addressed path-style, as such servers have no DNS names per
// bucket. Each bucket is read in its own region, asked of S3 on first use. Requests are bound
// to ctx.
func New(ctx context.Context, c Config) (*Tree, error) {
	// Throttling and 5xx answers are retried with backoff by the SDK's standard retryer.
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.ResponseHeaderTimeout = responseTimeout
	})
	cfg, err := config.LoadDefaultConfig(ctx, config.WithHTTPClient(httpClient))
	var noProfile config.SharedConfigProfileNotExistError
	if errors.As(err, &noProfile) {
		creds, conf := sharedFiles()
		return nil, fmt.Errorf("AWS profile %q is in neither %s nor %s", noProfile.Profile, conf, creds)
	}
	if err != nil {
		return nil, fmt.Errorf("s3: loading AWS configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = defaultRegion
	}
	// Credentials are needed for every request: finding none is said once, with where they
	// were looked for, instead of as the cause of the first request's failure.
	if cfg.Credentials != nil {
		if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
			return nil, noCredentials(err)
		}
	}
	pathStyle, err := boolEnv("CURNORM_S3_PATH_STYLE")
	if err != nil {
		return nil, err
	}
	payer, err := boolEnv("CURNORM_S3_REQUESTER_PAYS")
	if err != nil {
		return nil, err
	}
	pathStyle = pathStyle || c.PathStyle
	t := &Tree{ctx: ctx, cfg: cfg, clients: map[string]*s3.Client{}, options: func(o *s3.Options) {
		// Objects uploaded without a checksum are normal; the SDK would log each one.
		o.DisableLogOutputChecksumValidationSkipped = true
		o.UsePathStyle = pathStyle || o.BaseEndpoint != nil && isLocalEndpoint(*o.BaseEndpoint)
	}}
	if payer || c.RequesterPays {
		t.payer = types.RequestPayerRequester
	}
	return t, nil
}

// client returns the client for a bucket's region. The first use of a bucket asks S3 where it
// lives (HeadBucket: S3 names the region in its answer, even a redirect or a refusal); when
// the answer names none, the configured region is used and errors show up on the real request.
func (t *Tree) client(bucket string) *s3.Client {
	t.mu.Lock()
	defer t.mu.Unlock()
	if c, ok := t.clients[bucket]; ok {
		return c
	}
	c := s3.NewFromConfig(t.cfg, t.options)
	if region := t.bucketRegion(c, bucket); region != "" && region != t.cfg.Region {
		c = s3.NewFromConfig(t.cfg, t.options, func(o *s3.Options) { o.Region = region })
	}
	t.clients[bucket] = c
	return c
}

func (t *Tree) bucketRegion(c *s3.Client, bucket string) string {
	out, err := c.HeadBucket(t.ctx, &s3.HeadBucketInput{Bucket: &bucket}, func(o *s3.Options) {
		o.RetryMaxAttempts = 1 // a refusal or redirect is an answer; the real request retries
	})
	if err == nil {
		return aws.ToString(out.BucketRegion)
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		return re.Response.Header.Get("X-Amz-Bucket-Region")
	}
	return ""
}

// noCredentials says which sources of the standard chain were tried, in its order.
func noCredentials(err error) error {
	profile := cmp.Or(os.Getenv("AWS_PROFILE"), "default")
	creds, conf := sharedFiles()
	return fmt.Errorf("no AWS credentials found; tried, in order: the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), "+
		"profile %q of %s and %s (keys, SSO, web identity, credential process), "+
		"web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN), container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI or _RELATIVE_URI), "+
		"and the EC2 instance metadata service; the last said: %w",
		profile, creds, conf, err)
}

// sharedFiles names the shared credentials and config files the SDK reads.
func sharedFiles() (credentials, conf string) {
	return cmp.Or(os.Getenv("AWS_SHARED_CREDENTIALS_FILE"), config.DefaultSharedCredentialsFilename()),
		cmp.Or(os.Getenv("AWS_CONFIG_FILE"), config.DefaultSharedConfigFilename())
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
		out, err := t.client(bucket).HeadObject(t.ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: &key, RequestPayer: t.payer})
		if err == nil {
			return fileInfo{name: path.Base(key), size: aws.ToInt64(out.ContentLength), mod: aws.ToTime(out.LastModified)}, nil
		}
		if !isNotFound(err) {
			return nil, pathError("stat", name, err, "s3:GetObject", bucket+"/"+key)
		}
	}
	prefix := folderPrefix(key)
	out, err := t.client(bucket).ListObjectsV2(t.ctx, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix, MaxKeys: aws.Int32(1), RequestPayer: t.payer})
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
	p := s3.NewListObjectsV2Paginator(t.client(bucket), &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix, Delimiter: aws.String("/"), RequestPayer: t.payer})
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
	out, err := t.client(bucket).GetObject(t.ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key, RequestPayer: t.payer})
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
	var nerr net.Error
	switch {
	case errors.As(err, &nerr) && nerr.Timeout():
		err = fmt.Errorf("the S3 endpoint did not answer within %v, in any of the attempts made", responseTimeout)
	case errors.As(err, &api):
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
