package casework_test

import (
	"fmt"
	"strings"
	"testing"

	"sunshine/app/casework"
	"sunshine/app/errs"
)

const creditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// flipCheck replaces the check character of a code with another valid one.
func flipCheck(code string) string {
	last := code[17]
	for i := 0; i < len(creditCodeAlphabet); i++ {
		if creditCodeAlphabet[i] != last {
			return code[:17] + string(creditCodeAlphabet[i])
		}
	}
	panic("unreachable")
}

func TestCreditCode(t *testing.T) {
	t.Run("worked_example", func(t *testing.T) {
		if got, want := casework.CreditCodeWithCheck(validCreditCode[:17]), validCreditCode; got != want {
			t.Errorf("CreditCodeWithCheck = %s, want %s", got, want)
		}
		if !casework.CreditCodeValid(validCreditCode) {
			t.Errorf("%s is not valid", validCreditCode)
		}
	})
	// The weights are non-zero modulo the prime 31, so every change of a
	// single character is caught.
	t.Run("every_single_substitution_is_caught", func(t *testing.T) {
		for _, prefix := range []string{validCreditCode[:17], "91440300MA5EXAMPL", "12100000000000000", "Y1000000000000000"} {
			code := casework.CreditCodeWithCheck(prefix)
			if !casework.CreditCodeValid(code) {
				t.Fatalf("%s made by CreditCodeWithCheck is not valid", code)
			}
			for i := 0; i < 18; i++ {
				for j := 0; j < len(creditCodeAlphabet); j++ {
					if creditCodeAlphabet[j] == code[i] {
						continue
					}
					bad := code[:i] + string(creditCodeAlphabet[j]) + code[i+1:]
					if casework.CreditCodeValid(bad) {
						t.Fatalf("%s (position %d changed in %s) is valid", bad, i, code)
					}
				}
			}
		}
	})
	for _, bad := range []string{"", validCreditCode[:17], validCreditCode + "0", "91350100I000100Y43", "9135010O M00100Y43", "９1350100M000100Y43"} {
		t.Run(fmt.Sprintf("invalid_%q", bad), func(t *testing.T) {
			if casework.CreditCodeValid(bad) {
				t.Errorf("%q is valid", bad)
			}
		})
	}
}

func TestRate(t *testing.T) {
	for _, s := range casework.Statuses {
		// issue 12 (5): served cases only (the kit's delivering case is a
		// completed one: rated once delivered).
		want := s == casework.Delivered || s == casework.Terminated || s == casework.Archiving || s == casework.Archived
		t.Run(fmt.Sprintf("in_%s_allowed_%v", s, want), func(t *testing.T) {
			c := caseAt(t, s)
			before := deepCopy(c)
			ev, _, err := casework.Rate(c, actor(enterprise), 5, "很好", "enterprise", 0, monday)
			if !want {
				wantCode(t, err, errs.Conflict)
				if msg := errs.MessageOf(err); !strings.Contains(msg, s.Label()) {
					t.Errorf("message %q does not name the status %q", msg, s.Label())
				}
				assertUnchanged(t, c, before)
				return
			}
			if err != nil {
				t.Fatalf("Rate: %v", err)
			}
			if c.Rating == nil || c.Rating.Score != 5 || c.Status != s {
				t.Errorf("rating = %+v, status %s", c.Rating, c.Status)
			}
			got := [...]any{ev.CaseID, ev.Action, ev.FromStatus, ev.Status, ev.Public, ev.Payload["score"]}
			if w := [...]any{c.ID, casework.ActionRate, s, s, true, 5}; got != w {
				t.Errorf("event = %v, want %v", got, w)
			}
		})
	}

	for score := -1; score <= 7; score++ {
		valid := score >= 1 && score <= 5
		t.Run(fmt.Sprintf("score_%d", score), func(t *testing.T) {
			c := caseAt(t, casework.Delivered)
			before := deepCopy(c)
			ev, followUp, err := casework.Rate(c, actor(clerk), score, "  纸质评价表  ", "paper", 9, monday)
			if !valid {
				wantField(t, err, "score")
				assertUnchanged(t, c, before)
				return
			}
			if err != nil {
				t.Fatalf("Rate: %v", err)
			}
			if want := score <= 2; followUp != want {
				t.Errorf("follow-up = %v, want %v", followUp, want)
			}
			r := c.Rating
			got := [...]any{r.Score, r.Comment, r.Source, r.RatedByID, r.At.Equal(monday), ev.Payload["comment"]}
			if want := [...]any{score, "纸质评价表", "paper", actor(clerk).ID, true, "纸质评价表"}; got != want {
				t.Errorf("rating = %v, want %v", got, want)
			}
			if casework.ScoreLabels[score] == "" {
				t.Errorf("score %d has no label", score)
			}
		})
	}

	t.Run("only_once", func(t *testing.T) {
		c := caseAt(t, casework.Terminated)
		if _, _, err := casework.Rate(c, actor(enterprise), 2, "", "enterprise", 0, monday); err != nil {
			t.Fatal(err)
		}
		before := deepCopy(c)
		_, _, err := casework.Rate(c, actor(enterprise), 5, "改主意了", "enterprise", 0, monday)
		wantCode(t, err, errs.Conflict)
		assertUnchanged(t, c, before)
	})

	t.Run("after_archiving", func(t *testing.T) {
		c := caseAt(t, casework.Delivered)
		mustApply(t, c, specialist, casework.ActionSubmitArchive, nil, monday)
		mustApply(t, c, head, casework.ActionArchive, nil, monday)
		if _, followUp, err := casework.Rate(c, actor(enterprise), 1, "一直没人联系", "enterprise", 0, monday); err != nil || !followUp {
			t.Errorf("Rate after archiving: follow-up %v, err %v", followUp, err)
		}
	})

	t.Run("comment_too_long", func(t *testing.T) {
		c := caseAt(t, casework.Delivered)
		_, _, err := casework.Rate(c, actor(enterprise), 4, strings.Repeat("好", 501), "enterprise", 0, monday)
		wantField(t, err, "comment")
		if c.Rating != nil {
			t.Error("refused rating was stored")
		}
	})
}

// SPEC §3 "Enterprise-facing stages", transcribed.
func TestStageOf(t *testing.T) {
	want := map[casework.Status]casework.Stage{
		casework.Submitted: casework.StageIntake, casework.NeedsInfo: casework.StageIntake,
		casework.Reviewing: casework.StageIntake, casework.MeetingReview: casework.StageIntake,
		casework.Rejected: casework.StageIntake, casework.Withdrawn: casework.StageIntake,
		casework.Assigned: casework.StageTracking, casework.InService: casework.StageTracking,
		casework.Suspended: casework.StageTracking, casework.Closing: casework.StageTracking,
		casework.Completed: casework.StageDelivery, casework.Delivering: casework.StageDelivery,
		casework.Delivered: casework.StageEvaluation, casework.Terminated: casework.StageEvaluation,
		casework.Archiving: casework.StageArchive, casework.Archived: casework.StageArchive,
	}
	if len(want) != len(casework.Statuses) {
		t.Errorf("SPEC maps %d statuses, casework.Statuses has %d", len(want), len(casework.Statuses))
	}
	for _, s := range casework.Statuses {
		t.Run(string(s), func(t *testing.T) {
			if got := casework.StageOf(s); got != want[s] {
				t.Errorf("StageOf(%s) = %q, want %q", s, got, want[s])
			}
			if got := (&casework.Case{Status: s}).Stage(); got != want[s] {
				t.Errorf("Case.Stage() = %q, want %q", got, want[s])
			}
		})
	}
	labels := map[casework.Stage]string{
		casework.StageIntake: "前台受理", casework.StageTracking: "跟踪服务", casework.StageDelivery: "办结送达",
		casework.StageEvaluation: "事后评价", casework.StageArchive: "资料归档",
	}
	wantOrder := []casework.Stage{casework.StageIntake, casework.StageTracking, casework.StageDelivery, casework.StageEvaluation, casework.StageArchive}
	if fmt.Sprint(casework.Stages) != fmt.Sprint(wantOrder) {
		t.Errorf("Stages = %v, want %v", casework.Stages, wantOrder)
	}
	for st, l := range labels {
		if got := st.Label(); got != l {
			t.Errorf("%s.Label() = %q, want %q", st, got, l)
		}
	}
}

func TestFormatNumber(t *testing.T) {
	for _, tc := range []struct {
		year int
		seq  int64
		want string
	}{
		{2026, 123, "YGDB-2026-000123"},
		{2026, 1, "YGDB-2026-000001"},
		{2027, 999999, "YGDB-2027-999999"},
		{2026, 1000000, "YGDB-2026-1000000"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := casework.FormatNumber(tc.year, tc.seq); got != tc.want {
				t.Errorf("FormatNumber(%d, %d) = %q, want %q", tc.year, tc.seq, got, tc.want)
			}
		})
	}
}
