package notify

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"sunshine/app/casework"
)

// KindOf is the WeChat keyword kind of a template keyword: "thing" for
// "thing12".
func KindOf(key string) string { return strings.TrimRight(key, "0123456789") }

// FitValue makes v acceptable to WeChat for keyword key: it is never
// rejected, only cleaned and shortened, counting characters (runes) and
// ending a cut "thing" with "…". Empty values become a placeholder, since
// WeChat refuses empty keywords.
//
// Limits: thing ≤ 20, phrase ≤ 5 (Chinese), name ≤ 10 (20 if ASCII),
// character_string ≤ 32 (letters, digits, symbols), number ≤ 32, letter ≤ 32,
// symbol ≤ 5, phone_number ≤ 17, car_number ≤ 8; time as
// "2006-01-02 15:04", date as "2006-01-02", amount as a number.
func FitValue(key, v string) string {
	v = strings.Join(strings.Fields(v), " ")
	switch KindOf(key) {
	case "thing":
		return orElse(clip(v, 20, "…"), "无")
	case "phrase":
		return orElse(clip(keep(v, isHan), 5, ""), "无")
	case "name":
		limit := 10
		if utf8.RuneCountInString(v) == len(v) {
			limit = 20
		}
		return orElse(clip(v, limit, ""), "无")
	case "character_string":
		return orElse(clip(keep(v, isASCIIGraphic), 32, ""), "-")
	case "number":
		return orElse(clip(keep(v, isNumberRune), 32, ""), "0")
	case "amount":
		return orElse(clip(keep(v, isNumberRune), 20, ""), "0")
	case "letter":
		return orElse(clip(keep(v, isASCIILetter), 32, ""), "NA")
	case "symbol":
		return orElse(clip(keep(v, isASCIIGraphic), 5, ""), "-")
	case "phone_number":
		return orElse(clip(keep(v, func(r rune) bool { return r >= '0' && r <= '9' || r == '-' || r == '+' }), 17, ""), "-")
	case "car_number":
		return orElse(clip(v, 8, ""), "-")
	case "time":
		return orElse(fitTime(v, "2006-01-02 15:04"), "-")
	case "date":
		return orElse(fitTime(v, time.DateOnly), "-")
	}
	// Older official-account keywords (first, keyword1, remark): no
	// published limit; keep them readable.
	return orElse(clip(v, 200, "…"), "无")
}

// clip cuts s to at most n runes; a cut string ends with tail, which counts
// within n.
func clip(s string, n int, tail string) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	t := utf8.RuneCountInString(tail)
	return strings.TrimSpace(string(r[:n-t])) + tail
}

func keep(s string, ok func(rune) bool) string {
	return strings.Map(func(r rune) rune {
		if ok(r) {
			return r
		}
		return -1
	}, s)
}

func orElse(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

func isHan(r rune) bool          { return unicode.Is(unicode.Han, r) }
func isASCIIGraphic(r rune) bool { return r > ' ' && r < 0x7f }
func isASCIILetter(r rune) bool  { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }
func isNumberRune(r rune) bool   { return r >= '0' && r <= '9' || r == '.' || r == '-' }
func fitTime(v, layout string) string {
	for _, in := range []string{"2006-01-02 15:04", time.DateOnly, time.RFC3339} {
		if t, err := time.ParseInLocation(in, v, casework.ChinaTime); err == nil {
			return t.In(casework.ChinaTime).Format(layout)
		}
	}
	return ""
}
