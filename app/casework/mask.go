package casework

import "regexp"

// MaskPhone hides the middle of a phone number: 138****8000. Short values
// keep less; an empty value stays empty.
func MaskPhone(p string) string {
	r := []rune(p)
	switch {
	case len(r) == 0:
		return ""
	case len(r) >= 11:
		return string(r[:3]) + "****" + string(r[len(r)-4:])
	case len(r) > 6:
		return string(r[:2]) + "****" + string(r[len(r)-2:])
	}
	return "****"
}

// phoneInText finds mobile (13900139000) and landline (0755-12345678)
// numbers in free text, not digits inside longer numbers (dates, tracking
// numbers, project codes).
var phoneInText = regexp.MustCompile(`(^|\D)(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(\D|$)`)

// MaskPhonesIn masks every phone number in free text (接洽人及联系电话
// "李四 13900139000", a note that quotes a number).
func MaskPhonesIn(s string) string {
	for i := 0; i < 2; i++ { // adjacent numbers share a separator: a second pass catches them
		s = phoneInText.ReplaceAllStringFunc(s, func(m string) string {
			sub := phoneInText.FindStringSubmatch(m)
			return sub[1] + MaskPhone(sub[2]) + sub[3]
		})
	}
	return s
}
