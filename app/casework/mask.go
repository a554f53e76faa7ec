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

// phoneInText finds numbers long enough to be phone numbers in free text
// (接洽人及联系电话 "李四 13900139000", "0755-12345678").
var phoneInText = regexp.MustCompile(`\+?\d[\d-]{6,}\d`)

// MaskPhonesIn masks every phone-like number in free text.
func MaskPhonesIn(s string) string {
	return phoneInText.ReplaceAllStringFunc(s, MaskPhone)
}
