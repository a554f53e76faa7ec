package staffapi

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"sunshine/app/cases"
	"sunshine/app/errs"
	"sunshine/app/web"
)

// The change feed lets a case page and a list refresh when a case changes:
// GET /cases/{id}/version is one indexed read; GET /cases/changes?since=
// lists the viewer's cases changed since a position, oldest change first.

type caseVersionJSON struct {
	ID        int64     `json:"id"`
	Version   int       `json:"version"`
	Status    string    `json:"status"`
	UpdatedAt time.Time `json:"updated_at"`
}

type changesJSON struct {
	Items []caseVersionJSON `json:"items"`
	// Next is the position to poll from next time (the last item's, or
	// since when nothing changed); More says another page is ready now.
	Next string `json:"next"`
	More bool   `json:"more"`
}

// caseVersion is GET /cases/{id}/version → {id, version, status, updated_at}
// for whoever may see the case.
func (h *handlers) caseVersion(c *fiber.Ctx) error {
	id, err := web.PathID(c, "id")
	if err != nil {
		return err
	}
	cs, err := h.d.Cases.CanSee(c.UserContext(), viewerOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(caseVersionJSON{ID: cs.ID, Version: cs.Version, Status: string(cs.Status), UpdatedAt: cs.UpdatedAt})
}

// caseChanges is GET /cases/changes?since=&limit= (since: an RFC 3339 time
// or the next of a previous answer; absent: from the beginning) with the
// list filters (mine=, status= …): the viewer's cases changed after since.
func (h *handlers) caseChanges(c *fiber.Ctx) error {
	f, err := caseFilter(c)
	if err != nil {
		return err
	}
	if f.Sort != cases.SortNewest {
		return errs.E(errs.Invalid, "变更列表按更新时间排序，不支持 sort 参数")
	}
	since := strings.TrimSpace(c.Query("since"))
	if f.After, err = parseChangePosition(since); err != nil {
		return err
	}
	limit, err := queryLimit(c)
	if err != nil {
		return err
	}
	f.Sort, f.Limit = cases.SortUpdated, limit+1
	list, err := h.d.Cases.List(c.UserContext(), viewerOf(c), f)
	if err != nil {
		return err
	}
	out := changesJSON{Items: []caseVersionJSON{}, Next: since}
	if len(list) > limit {
		list, out.More = list[:limit], true
	}
	for _, x := range list {
		out.Items = append(out.Items, caseVersionJSON{ID: x.ID, Version: x.Version, Status: string(x.Status), UpdatedAt: x.UpdatedAt})
	}
	if n := len(list); n > 0 {
		out.Next = encodeChangePosition(list[n-1].UpdatedAt, list[n-1].ID)
	} else if out.Next == "" {
		out.Next = encodeChangePosition(time.Time{}, 0)
	}
	return c.JSON(out)
}

func encodeChangePosition(at time.Time, id int64) string {
	ns := int64(0)
	if !at.IsZero() {
		ns = at.UnixNano()
	}
	return base64.RawURLEncoding.EncodeToString([]byte("v1:u:" + strconv.FormatInt(ns, 10) + ":" + strconv.FormatInt(id, 10)))
}

// parseChangePosition reads since: empty (the beginning), an RFC 3339 time
// (changes after it) or a position from a previous answer. Errors: invalid.
func parseChangePosition(s string) (cases.Position, error) {
	if s == "" {
		return cases.Position{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		// Id 0 precedes every id: a change at the instant itself is included.
		return cases.Position{Updated: t.UTC(), ID: 0}, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	parts := strings.Split(string(b), ":")
	if err == nil && len(parts) == 4 && parts[0] == "v1" && parts[1] == "u" {
		ns, err1 := strconv.ParseInt(parts[2], 10, 64)
		id, err2 := strconv.ParseInt(parts[3], 10, 64)
		if err1 == nil && err2 == nil && ns >= 0 && id >= 0 {
			if ns == 0 {
				return cases.Position{}, nil
			}
			return cases.Position{Updated: time.Unix(0, ns).UTC(), ID: id}, nil
		}
	}
	return cases.Position{}, errs.E(errs.Invalid, "since 应为 RFC 3339 时间（例如 2026-03-02T09:00:00+08:00）或上次返回的 next")
}
