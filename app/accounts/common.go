package accounts

import (
	_ "embed"
	"strings"
	"sync"
)

// commonPasswords is a short list of the passwords that guessing attacks
// try first and that still pass the length and letter-and-digit rules
// (drawn from published leaked-password rankings, Chinese ones included:
// pinyin, keyboard walks, 1314/520). NIST SP 800-63B §5.1.1.2 asks to refuse
// such values; a short embedded list catches the worst of them without a
// download or a large file. Compared case-insensitively.
//
//go:embed common_passwords.txt
var commonPasswordsText string

var (
	commonOnce sync.Once
	commonSet  map[string]bool
)

func commonPassword(p string) bool {
	commonOnce.Do(func() {
		commonSet = map[string]bool{}
		for _, l := range strings.Split(commonPasswordsText, "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
				commonSet[strings.ToLower(l)] = true
			}
		}
	})
	return commonSet[strings.ToLower(p)]
}
