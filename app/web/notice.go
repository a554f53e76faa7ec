package web

import "sunshine/app/notify"

// Notice is what every surface shows of an entry of a person's in-app
// inbox. A surface embeds it as the first field of its own entry type and
// adds the rest after it (the mini-program also names the page that opens
// the entry), so the JSON keeps these fields first.
type Notice struct {
	ID     int64  `json:"id"`
	Event  string `json:"event"`
	CaseID *int64 `json:"case_id"` // null when the entry concerns no case
	Title  string `json:"title"`
	Body   string `json:"body"`
}

// NoticeOf is the shared part of the answer for an inbox entry.
func NoticeOf(n *notify.InboxItem) Notice {
	out := Notice{ID: n.ID, Event: n.Event, Title: n.Title, Body: n.Body}
	if n.CaseID != 0 {
		id := n.CaseID
		out.CaseID = &id
	}
	return out
}

// Inbox is a page of an in-app inbox: SPEC's list shape with the number of
// unread entries. How the next cursor is written is up to each surface.
type Inbox[T any] struct {
	Items  []T     `json:"items"`
	Next   *string `json:"next"`
	Unread int     `json:"unread"`
}
