package main

import (
	"context"

	"sunshine/app/files"
)

// openFiles builds the materials service on the configured object store:
// the S3 bucket when SUNSHINE_S3_ENDPOINT is set, else DataDir/files.
func (d *deps) openFiles(ctx context.Context) (*files.Service, error) {
	if d.files != nil {
		return d.files, nil
	}
	o := files.Options{Dir: d.cfg.FilesDir(), Key: d.cfg.AttachmentKey, PreviousKey: d.cfg.AttachmentKeyPrevious,
		MaxBytes: int64(d.cfg.MaxUploadMB) << 20, Store: d.db.Attachments(), Cases: d.cases, Audit: d.db.Audit(), Log: d.log}
	if s := d.cfg.S3; s.Enabled() {
		b, err := files.NewS3Blobs(ctx, files.S3Config{Endpoint: s.Endpoint, Bucket: s.Bucket, AccessKey: s.AccessKey,
			SecretKey: s.SecretKey, Region: s.Region, TLS: s.TLS})
		if err != nil {
			return nil, err
		}
		o.Blobs = b
	}
	fs, err := files.New(o)
	if err != nil {
		return nil, err
	}
	d.files = fs
	return fs, nil
}
