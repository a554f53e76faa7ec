package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"sunshine/app/accounts"
	"sunshine/app/backup"
	"sunshine/app/calendar"
	"sunshine/app/cases"
	"sunshine/app/files"
	"sunshine/app/storage"
	"sunshine/app/system"
	"sunshine/config"
)

// openWithFiles opens the database and the materials service.
func openWithFiles(ctx context.Context, cfg *config.Config, log *slog.Logger) (*deps, *files.Service, error) {
	d, err := open(ctx, cfg, log)
	if err != nil {
		return nil, nil, err
	}
	fs, err := system.NewFiles(ctx, cfg, d.db, cases.New(d.db.Cases(), d.calendar, nil, log), nil, log)
	if err != nil {
		d.close()
		return nil, nil, err
	}
	return d, fs, nil
}

// backupCmd is `sunshine backup DIR`.
func backupCmd(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: sunshine backup DIR")
	}
	d, fs, err := openWithFiles(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer d.close()
	m, err := backup.Backup(ctx, d.db, fs, args[0], time.Now())
	if err != nil {
		return err
	}
	printManifest(stdout, "备份完成", args[0], m)
	return nil
}

// restoreCmd is `sunshine restore DIR`: into an empty database and store.
func restoreCmd(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("usage: sunshine restore DIR")
	}
	// Not open(): it seeds the holiday calendar, and the target must stay
	// empty until the backup's own calendar is loaded.
	db, err := storage.Open(ctx, storage.Options{MySQLDSN: cfg.MySQLDSN, SQLitePath: cfg.SQLitePath(), Log: log})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	fs, err := system.NewFiles(ctx, cfg, db, cases.New(db.Cases(), calendar.New(calendar.Seed(), log), nil, log), nil, log)
	if err != nil {
		return err
	}
	m, err := backup.Restore(ctx, db, fs, args[0])
	if err != nil {
		return err
	}
	printManifest(stdout, "恢复完成", args[0], m)
	return nil
}

func printManifest(w io.Writer, title, dir string, m *backup.Manifest) {
	var rows int64
	for _, t := range m.Tables {
		rows += t.Rows
	}
	fmt.Fprintf(w, "%s：%s\n  数据库 %s，架构版本 %d，%d 张表 %d 行\n  材料 %d 个（加密存储）\n", title, dir, m.Dialect,
		m.SchemaVersion, len(m.Tables), rows, len(m.Materials))
	for _, name := range []string{"cases", "case_events", "audit_records", "notifications", "attachments"} {
		if t, ok := m.Tables[name]; ok {
			fmt.Fprintf(w, "  %-14s %d\n", name, t.Rows)
		}
	}
}

// rotateKeyCmd is `sunshine rotate-attachment-key [--limit N]`: re-encrypts
// the materials under SUNSHINE_ATTACHMENT_KEY, reading the others with
// SUNSHINE_ATTACHMENT_KEY_PREVIOUS. Interrupted, it resumes where it stopped.
func rotateKeyCmd(ctx context.Context, cfg *config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	fl := flag.NewFlagSet("rotate-attachment-key", flag.ContinueOnError)
	limit := fl.Int("limit", 0, "re-encrypt at most this many files (0: all)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	d, fs, err := openWithFiles(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer d.close()
	res, err := fs.Rotate(ctx, *limit)
	fmt.Fprintf(stdout, "本次重新加密 %d 个材料，仍有 %d 个使用旧密钥（当前密钥 %s）\n", res.Rotated, res.Remaining, files.KeyID(cfg.AttachmentKey))
	if err != nil {
		return fmt.Errorf("%w (is SUNSHINE_ATTACHMENT_KEY_PREVIOUS the key the files were written with? run again to resume)", err)
	}
	// The staff TOTP secrets are sealed with a key derived from the same
	// master key (docs/security.md): they move with the materials.
	totpRotated, totpUnreadable, err := accounts.RotateTOTPSecrets(ctx, d.db.Staff(), cfg.AttachmentKey, cfg.AttachmentKeyPrevious)
	fmt.Fprintf(stdout, "重新加密 %d 个工作人员验证器密钥，%d 个两把密钥都无法解密（需重新绑定）\n", totpRotated, totpUnreadable)
	if err != nil {
		return err
	}
	if res.Remaining == 0 {
		fmt.Fprintln(stdout, "全部材料已使用新密钥。可以从配置中删除 SUNSHINE_ATTACHMENT_KEY_PREVIOUS。")
	}
	return nil
}

// sweepCmd is `sunshine sweep-materials`: what the hourly sweeper does, now.
func sweepCmd(ctx context.Context, cfg *config.Config, log *slog.Logger, stdout io.Writer) error {
	d, fs, err := openWithFiles(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer d.close()
	res, err := fs.Sweep(ctx)
	fmt.Fprintf(stdout, "补登 %d 个、删除 %d 个孤立对象\n", res.Promoted, res.Removed)
	return err
}
