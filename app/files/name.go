package files

import (
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

const maxNameRunes = 100

// SanitizeName turns a client-supplied file name into safe metadata: no
// directories, no control or reserved characters, at most 100 characters,
// and an extension that matches the detected kind (a PDF named "x.exe" is
// kept as "x.pdf"). The result is never used as a path.
func SanitizeName(name string, k Kind) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "_")
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r), r == utf8.RuneError:
			// dropped: control and invisible formatting characters (RTL overrides)
		case strings.ContainsRune(`<>:"|?*;%`, r):
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.Trim(strings.TrimSpace(b.String()), ". ")
	base := name
	if ext := path.Ext(name); ext != "" {
		base = strings.TrimRight(strings.TrimSuffix(name, ext), ". ")
		if extMatches(strings.ToLower(ext), k) {
			return truncateName(base, ext)
		}
	}
	if base == "" {
		base = "附件"
	}
	return truncateName(base, k.Ext)
}

func extMatches(ext string, k Kind) bool {
	if ext == k.Ext {
		return true
	}
	return k == KindJPEG && ext == ".jpeg"
}

func truncateName(base, ext string) string {
	if base == "" {
		base = "附件"
	}
	r := []rune(base)
	if max := maxNameRunes - utf8.RuneCountInString(ext); len(r) > max {
		r = r[:max]
	}
	return string(r) + ext
}
