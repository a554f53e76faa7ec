package casework

// Role is who acts on a case.
type Role string

// The roles of SPEC §2, plus the hotline system as a submitter.
const (
	RoleEnterprise Role = "enterprise"
	RoleClerk      Role = "clerk"
	RoleSpecialist Role = "specialist"
	RoleHead       Role = "head"
	RoleLiaison    Role = "liaison"
	RoleSupervisor Role = "supervisor"
	RoleAdmin      Role = "admin"
	RoleAuditor    Role = "auditor"
	RoleHotline    Role = "hotline"
)

// StaffRoles are the roles a staff account may have.
var StaffRoles = []Role{RoleClerk, RoleSpecialist, RoleHead, RoleLiaison, RoleSupervisor, RoleAdmin, RoleAuditor}

var roleLabels = map[Role]string{
	RoleEnterprise: "企业", RoleClerk: "窗口人员", RoleSpecialist: "帮办代办专员",
	RoleHead: "中心负责人", RoleLiaison: "审批部门联络员", RoleSupervisor: "市政务服务数据管理局",
	RoleAdmin: "系统管理员", RoleAuditor: "安全审计员", RoleHotline: "2135热线",
}

// Label is the Chinese name of the role.
func (r Role) Label() string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return string(r)
}

// IsStaff reports whether r is a staff role.
func (r Role) IsStaff() bool {
	for _, s := range StaffRoles {
		if s == r {
			return true
		}
	}
	return false
}

// Actor is whoever applies an action: a staff user, an enterprise user or
// the hotline system.
type Actor struct {
	ID         int64
	Role       Role
	Name       string
	Department string // liaison only
}

// Channel is how a case came in.
type Channel string

// The intake channels.
const (
	ChannelMiniProgram Channel = "miniprogram"
	ChannelPortal      Channel = "portal"
	ChannelWindow      Channel = "window"
	ChannelComplaint   Channel = "complaint"
	ChannelHotline     Channel = "hotline"
)

// Channels lists the channels.
var Channels = []Channel{ChannelMiniProgram, ChannelPortal, ChannelWindow, ChannelComplaint, ChannelHotline}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	for _, x := range Channels {
		if x == c {
			return true
		}
	}
	return false
}

// Label is the Chinese name of the channel.
func (c Channel) Label() string {
	return map[Channel]string{
		ChannelMiniProgram: "小程序", ChannelPortal: "网上办事", ChannelWindow: "阳光代办专窗",
		ChannelComplaint: "办不成事反映窗口", ChannelHotline: "2135热线",
	}[c]
}
