package wechat

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Subscribe-message events pushed to the mini-program's message endpoint.
const (
	EventSubscribePopup  = "subscribe_msg_popup_event"  // the user answered wx.requestSubscribeMessage
	EventSubscribeChange = "subscribe_msg_change_event" // the user changed a subscription in settings
	EventSubscribeSent   = "subscribe_msg_sent_event"   // delivery report of a sent message
)

// PushEvent is one decoded push. Exactly one of Popup, Change and Sent is
// filled for the subscribe events; other events keep only the common fields and Raw.
type PushEvent struct {
	ToUserName   string // the mini-program's original id (gh_…)
	FromUserName string // the user's openid
	CreateTime   time.Time
	MsgType      string
	Event        string
	Popup        []SubscribePopupItem
	Change       []SubscribeChangeItem
	Sent         []SubscribeSentItem
	Raw          []byte // the decrypted body
}

// SubscribePopupItem is the user's answer for one template in the subscribe popup.
type SubscribePopupItem struct {
	TemplateID string
	Status     string // accept, reject, ban, filter, acceptWithAudio, …
	PopupScene string // 0: mini-program page, 1: payment, 2: official-account article, …
}

// SubscribeChangeItem is a subscription switched on or off in the user's settings.
type SubscribeChangeItem struct {
	TemplateID string
	Status     string // accept or reject
}

// SubscribeSentItem reports the delivery of one subscribe message.
type SubscribeSentItem struct {
	TemplateID  string
	MsgID       string
	ErrorCode   int // 0 success, 10004 user refused, 20001 system error, …
	ErrorStatus string
}

// Accepted lists the template ids the user allowed in a popup or change event.
func (e *PushEvent) Accepted() []string { return e.byStatus(true) }

// Rejected lists the template ids the user refused or switched off.
func (e *PushEvent) Rejected() []string { return e.byStatus(false) }

func (e *PushEvent) byStatus(accept bool) []string {
	var out []string
	for _, it := range e.Popup {
		if strings.HasPrefix(it.Status, "accept") == accept {
			out = append(out, it.TemplateID)
		}
	}
	for _, it := range e.Change {
		if strings.HasPrefix(it.Status, "accept") == accept {
			out = append(out, it.TemplateID)
		}
	}
	return out
}

// flexString accepts a JSON string or number (WeChat sends both for the same field).
type flexString string

// UnmarshalJSON keeps a number's text or a string's value.
func (f *flexString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		err := json.Unmarshal(b, &s)
		*f = flexString(s)
		return err
	}
	if string(b) != "null" {
		*f = flexString(b)
	}
	return nil
}

// flexList accepts a JSON array or a single object (WeChat sends "List": {…} for one item).
type flexList []pushItem

// UnmarshalJSON accepts an array, one object or null.
func (l *flexList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		return nil
	case b[0] == '[':
		return json.Unmarshal(b, (*[]pushItem)(l))
	default:
		var it pushItem
		if err := json.Unmarshal(b, &it); err != nil {
			return err
		}
		*l = flexList{it}
		return nil
	}
}

type pushItem struct {
	TemplateID  string     `json:"TemplateId" xml:"TemplateId"`
	Status      string     `json:"SubscribeStatusString" xml:"SubscribeStatusString"`
	PopupScene  flexString `json:"PopupScene" xml:"PopupScene"`
	MsgID       flexString `json:"MsgID" xml:"MsgID"`
	ErrorCode   flexString `json:"ErrorCode" xml:"ErrorCode"`
	ErrorStatus string     `json:"ErrorStatus" xml:"ErrorStatus"`
}

type pushDoc struct {
	ToUserName   string     `json:"ToUserName" xml:"ToUserName"`
	FromUserName string     `json:"FromUserName" xml:"FromUserName"`
	CreateTime   flexString `json:"CreateTime" xml:"CreateTime"`
	MsgType      string     `json:"MsgType" xml:"MsgType"`
	Event        string     `json:"Event" xml:"Event"`
	List         flexList   `json:"List" xml:"-"`
	XMLPopup     []pushItem `json:"-" xml:"SubscribeMsgPopupEvent>List"`
	XMLChange    []pushItem `json:"-" xml:"SubscribeMsgChangeEvent>List"`
	XMLSent      []pushItem `json:"-" xml:"SubscribeMsgSentEvent>List"`
}

// ParsePushEvent decodes a decrypted push body, JSON or XML.
func ParsePushEvent(plain []byte) (*PushEvent, error) {
	var d pushDoc
	if err := unmarshalAny(plain, &d); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadPush, err)
	}
	if d.MsgType == "" {
		return nil, fmt.Errorf("%w: no MsgType", ErrBadPush)
	}
	e := &PushEvent{ToUserName: d.ToUserName, FromUserName: d.FromUserName, MsgType: d.MsgType,
		Event: d.Event, Raw: plain}
	if sec, err := strconv.ParseInt(strings.TrimSpace(string(d.CreateTime)), 10, 64); err == nil {
		e.CreateTime = time.Unix(sec, 0)
	}
	items := []pushItem(d.List)
	switch e.Event {
	case EventSubscribePopup:
		for _, it := range append(items, d.XMLPopup...) {
			e.Popup = append(e.Popup, SubscribePopupItem{it.TemplateID, it.Status, string(it.PopupScene)})
		}
	case EventSubscribeChange:
		for _, it := range append(items, d.XMLChange...) {
			e.Change = append(e.Change, SubscribeChangeItem{it.TemplateID, it.Status})
		}
	case EventSubscribeSent:
		for _, it := range append(items, d.XMLSent...) {
			code, _ := strconv.Atoi(string(it.ErrorCode))
			e.Sent = append(e.Sent, SubscribeSentItem{it.TemplateID, string(it.MsgID), code, it.ErrorStatus})
		}
	}
	return e, nil
}

// pushXMLItem renders one <List> element of a subscribe event, for the simulator.
func pushXMLItem(it pushItem) string {
	var b strings.Builder
	b.WriteString("<List>")
	writeCDATA(&b, "TemplateId", it.TemplateID)
	writeCDATA(&b, "SubscribeStatusString", it.Status)
	fmt.Fprintf(&b, "<PopupScene>%s</PopupScene>", it.PopupScene)
	b.WriteString("</List>")
	return b.String()
}

func writeCDATA(b *strings.Builder, tag, v string) {
	fmt.Fprintf(b, "<%s><![CDATA[%s]]></%s>", tag, strings.ReplaceAll(v, "]]>", "]]]]><![CDATA[>"), tag)
}
