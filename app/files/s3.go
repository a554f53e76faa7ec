package files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config names a bucket of an S3-compatible object store.
type S3Config struct {
	Endpoint  string // host[:port], no scheme
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string
	TLS       bool
}

// S3Blobs keeps objects in an S3 bucket. Objects are written with a known
// size (one PUT, streamed; multipart above 64 MiB parts), so nothing is
// buffered whole.
type S3Blobs struct {
	c      *minio.Client
	bucket string
}

// NewS3Blobs connects to the store and checks that the bucket exists,
// creating it when missing.
func NewS3Blobs(ctx context.Context, cfg S3Config) (*S3Blobs, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, errors.New("files: S3 needs an endpoint and a bucket")
	}
	c, err := minio.New(cfg.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.TLS, Region: cfg.Region})
	if err != nil {
		return nil, fmt.Errorf("files: S3 client: %w", err)
	}
	s := &S3Blobs{c: c, bucket: cfg.Bucket}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	ok, err := c.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("files: S3 bucket %s: %w", cfg.Bucket, err)
	}
	if !ok {
		if err := c.MakeBucket(ctx, cfg.Bucket, minio.MakeBucketOptions{Region: cfg.Region}); err != nil {
			return nil, fmt.Errorf("files: create S3 bucket %s: %w", cfg.Bucket, err)
		}
	}
	return s, nil
}

func noObject(err error) bool {
	var r minio.ErrorResponse
	return errors.As(err, &r) && (r.Code == "NoSuchKey" || r.StatusCode == http.StatusNotFound)
}

// Put implements Blobs.
func (s *S3Blobs) Put(ctx context.Context, key string, r io.Reader, size int64) error {
	if !keyRe.MatchString(key) {
		return errors.New("files: invalid object key")
	}
	_, err := s.c.PutObject(ctx, s.bucket, key, r, size, minio.PutObjectOptions{
		ContentType: "application/octet-stream", PartSize: 64 << 20, DisableContentSha256: false})
	return err
}

// Get implements Blobs.
func (s *S3Blobs) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if !keyRe.MatchString(key) {
		return nil, errors.New("files: invalid object key")
	}
	// GetObject is lazy: Stat makes a missing object an error now, not at
	// the first Read.
	o, err := s.c.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		if noObject(err) {
			return nil, ErrNoObject
		}
		return nil, err
	}
	if _, err := o.Stat(); err != nil {
		o.Close()
		if noObject(err) {
			return nil, ErrNoObject
		}
		return nil, err
	}
	return o, nil
}

// Move implements Blobs: a server-side copy, then the delete.
func (s *S3Blobs) Move(ctx context.Context, from, to string) error {
	if !keyRe.MatchString(from) || !keyRe.MatchString(to) {
		return errors.New("files: invalid object key")
	}
	_, err := s.c.CopyObject(ctx, minio.CopyDestOptions{Bucket: s.bucket, Object: to},
		minio.CopySrcOptions{Bucket: s.bucket, Object: from})
	if err != nil {
		if noObject(err) {
			return ErrNoObject
		}
		return err
	}
	return s.Delete(ctx, from)
}

// Delete implements Blobs.
func (s *S3Blobs) Delete(ctx context.Context, key string) error {
	err := s.c.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
	if err != nil && noObject(err) {
		return nil
	}
	return err
}

// List implements Blobs.
func (s *S3Blobs) List(ctx context.Context, prefix string, fn func(string, time.Time) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for o := range s.c.ListObjects(ctx, s.bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			return o.Err
		}
		if !keyRe.MatchString(o.Key) {
			continue
		}
		if err := fn(o.Key, o.LastModified); err != nil {
			return err
		}
	}
	return nil
}

// Ready implements Blobs.
func (s *S3Blobs) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	_, err := s.c.BucketExists(ctx, s.bucket)
	return err
}
