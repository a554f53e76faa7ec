package wechat

import (
	"encoding/json"
	"net/http"
	"strings"
)

// workSend is POST qyapi /cgi-bin/message/send. Like Work WeChat it names the
// unknown members in invaliduser; when nobody is left it answers 81013.
func (s *Simulator) workSend(r *http.Request, body []byte) any {
	if bad := s.checkToken(r, kindWork); bad != nil {
		return bad
	}
	var in struct {
		ToUser  string          `json:"touser"`
		MsgType string          `json:"msgtype"`
		AgentID json.RawMessage `json:"agentid"`
		Text    struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return errBody(CodeDataFormat, "data format error")
	}
	if strings.Trim(string(in.AgentID), `"`) != s.cfg.Work.AgentID {
		return errBody(CodeInvalidAgentID, "invalid agentid")
	}
	if in.MsgType != "text" {
		return errBody(40008, "invalid message type")
	}
	if strings.TrimSpace(in.Text.Content) == "" {
		return errBody(CodeEmptyContent, "empty content")
	}
	s.mu.Lock()
	resolver := s.resolver
	s.mu.Unlock()

	var valid, invalid []string
	for _, id := range strings.Split(in.ToUser, "|") {
		if id == "" {
			continue
		}
		known, err := s.state.isWorkUser(r.Context(), id)
		if err != nil {
			return stateDown()
		}
		if !known && resolver != nil {
			known = resolver(id)
		}
		if known {
			valid = append(valid, id)
		} else {
			invalid = append(invalid, strings.ToLower(id))
		}
	}
	answer := map[string]any{"errcode": 0, "errmsg": "ok", "invaliduser": strings.Join(invalid, "|"),
		"invalidparty": "", "invalidtag": "", "unlicenseduser": ""}
	if len(valid) == 0 {
		answer["errcode"], answer["errmsg"] = CodeInvalidUser, "user & party & tag all invalid"
		return answer
	}
	now := s.now()
	msgs := make([]Message, len(valid))
	for i, id := range valid {
		msgs[i] = Message{Channel: ChannelWork, ToUser: id, Data: map[string]any{"content": in.Text.Content}, SentAt: now}
	}
	if _, err := s.state.record(r.Context(), msgs...); err != nil {
		return stateDown()
	}
	answer["msgid"] = "sim-msg-" + randomHex(8)
	return answer
}
