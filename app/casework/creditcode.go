package casework

// creditCodeChars is the alphabet of GB 32100-2015 (no I, O, Z, S, V), in
// the order that gives each character its value.
const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CreditCodeValid reports whether s is an 18-character 统一社会信用代码
// whose check character (the 18th) is right per GB 32100-2015.
func CreditCodeValid(s string) bool {
	if len(s) != 18 {
		return false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := indexByte(creditCodeChars, s[i])
		if v < 0 {
			return false
		}
		sum += v * creditCodeWeights[i]
	}
	check := (31 - sum%31) % 31
	return s[17] == creditCodeChars[check]
}

// CreditCodeWithCheck appends the right check character to a 17-character
// prefix; it is used to make demo and test data.
func CreditCodeWithCheck(prefix17 string) string {
	sum := 0
	for i := 0; i < 17 && i < len(prefix17); i++ {
		sum += indexByte(creditCodeChars, prefix17[i]) * creditCodeWeights[i]
	}
	return prefix17 + string(creditCodeChars[(31-sum%31)%31])
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}
