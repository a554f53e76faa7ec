package storage

// Migration 162: WeChat template ids edited at run time by the admin
// (issue 9). A row overrides the template an event has from the
// environment; an empty template_id switches the channel off for the event.
// Released: never edit, append a new file.
func init() {
	register(migration{162, "notification templates", []string{
		`CREATE TABLE notify_templates (
			event VARCHAR(32) NOT NULL,
			channel VARCHAR(16) NOT NULL,
			template_id VARCHAR(128) NOT NULL DEFAULT '',
			fields VARCHAR(1000) NOT NULL DEFAULT '',
			updated_by VARCHAR(50) NOT NULL DEFAULT '',
			updated_at {ts} NOT NULL,
			PRIMARY KEY (event, channel)){opts}`,
	}})
}
