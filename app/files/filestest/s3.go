package filestest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"sunshine/app/files"
)

// S3Config returns the S3 server of TEST_S3_ENDPOINT (with TEST_S3_ACCESS_KEY,
// TEST_S3_SECRET_KEY, TEST_S3_BUCKET, TEST_S3_REGION and TEST_S3_TLS=1)
// and a bucket of its own for the test, emptied and removed when the test
// ends; it skips the test when no S3 server is configured.
func S3Config(t testing.TB) files.S3Config {
	t.Helper()
	cfg, ok := S3FromEnv()
	if !ok {
		t.Skip("no S3 server: set TEST_S3_ENDPOINT, TEST_S3_ACCESS_KEY, TEST_S3_SECRET_KEY and TEST_S3_BUCKET (.ci/run starts MinIO)")
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	cfg.Bucket += "-" + hex.EncodeToString(b)
	t.Cleanup(func() { removeBucket(cfg) })
	return cfg
}

// S3FromEnv reads the TEST_S3_* variables.
func S3FromEnv() (files.S3Config, bool) {
	cfg := files.S3Config{Endpoint: os.Getenv("TEST_S3_ENDPOINT"), Bucket: os.Getenv("TEST_S3_BUCKET"),
		AccessKey: os.Getenv("TEST_S3_ACCESS_KEY"), SecretKey: os.Getenv("TEST_S3_SECRET_KEY"),
		Region: os.Getenv("TEST_S3_REGION"), TLS: os.Getenv("TEST_S3_TLS") == "1"}
	if cfg.Bucket == "" {
		cfg.Bucket = "sunshine-test"
	}
	return cfg, cfg.Endpoint != ""
}

// removeBucket empties and removes a test bucket.
func removeBucket(cfg files.S3Config) {
	c, err := minio.New(cfg.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure: cfg.TLS, Region: cfg.Region})
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for o := range c.ListObjects(ctx, cfg.Bucket, minio.ListObjectsOptions{Recursive: true}) {
		if o.Err == nil {
			_ = c.RemoveObject(ctx, cfg.Bucket, o.Key, minio.RemoveObjectOptions{})
		}
	}
	_ = c.RemoveBucket(ctx, cfg.Bucket)
}
