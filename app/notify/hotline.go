package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// SignHotline is the signature of the hotline intake, also used for the
// result callback: hex HMAC-SHA256(secret, timestamp + "\n" + body).
func SignHotline(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte("\n"))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// hotlineBody is what the hotline system receives when its case closes.
type hotlineBody struct {
	OrderNo        string `json:"order_no"`
	CaseNumber     string `json:"case_number"`
	Status         string `json:"status"` // completed, terminated, rejected or withdrawn
	StatusLabel    string `json:"status_label"`
	Result         string `json:"result,omitempty"`
	Explanation    string `json:"explanation,omitempty"`
	Opinion        string `json:"opinion,omitempty"`
	ClosedAt       string `json:"closed_at"`
	NotificationID int64  `json:"notification_id"`
}

// errNoHotlineURL is permanent: nothing to retry until it is configured.
var errNoHotlineURL = fmt.Errorf("hotline callback URL not configured")

// postHotline sends the signed callback. Any answer but 2xx is an error
// worth retrying; the receiver may see a notification twice (the
// notification_id and the X-Idempotency-Key header let it tell).
func (s *Service) postHotline(ctx context.Context, row *Row) error {
	if s.o.HotlineURL == "" {
		return errNoHotlineURL
	}
	b := hotlineBody{OrderNo: str(row.Payload, "order_no"), CaseNumber: str(row.Payload, "case_number"),
		Status: str(row.Payload, "status"), StatusLabel: str(row.Payload, "status_label"),
		Result: str(row.Payload, "result"), Explanation: str(row.Payload, "explanation"),
		Opinion: str(row.Payload, "opinion"), ClosedAt: str(row.Payload, "closed_at"), NotificationID: row.ID}
	body, err := json.Marshal(b)
	if err != nil {
		return err
	}
	ts := strconv.FormatInt(s.now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.o.HotlineURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("hotline callback request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Timestamp", ts)
	req.Header.Set("X-Signature", SignHotline(s.o.HotlineSecret, ts, body))
	req.Header.Set("X-Idempotency-Key", "notification-"+strconv.FormatInt(row.ID, 10))
	start := time.Now()
	resp, err := s.o.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("hotline callback: %s", scrubURL(err))
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("hotline callback answered HTTP %d", resp.StatusCode)
	}
	s.log.Info("hotline callback delivered", "notification", row.ID, "ms", time.Since(start).Milliseconds())
	return nil
}

// scrubURL keeps a transport error's cause without the URL (which may
// carry credentials in its query).
func scrubURL(err error) string {
	type unwrapper interface{ Unwrap() error }
	if u, ok := err.(unwrapper); ok && u.Unwrap() != nil {
		return u.Unwrap().Error()
	}
	return err.Error()
}
