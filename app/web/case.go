package web

import "sunshine/app/casework"

// CaseHead is what every surface shows first of a case, in answers and in
// lists: which case it is and where it stands, with the labels people read.
// A surface embeds it as the first field of its own case types and adds
// what its audience sees after it, so the JSON keeps these fields first.
type CaseHead struct {
	ID          int64  `json:"id"`
	Number      string `json:"number"`
	Status      string `json:"status"`
	StatusLabel string `json:"status_label"`
	Stage       string `json:"stage"`
	StageLabel  string `json:"stage_label"`
}

// CaseHeadOf is the shared first part of the answer for c.
func CaseHeadOf(c *casework.Case) CaseHead {
	return CaseHead{ID: c.ID, Number: c.Number, Status: string(c.Status), StatusLabel: c.Status.Label(),
		Stage: string(c.Stage()), StageLabel: c.Stage().Label()}
}
