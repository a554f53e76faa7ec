package main

import (
	"time"

	"sunshine/app/casework"
)

type demoForm struct {
	login string // mini-program login code sim-<login> of the enterprise's lead
	form  casework.Form
}

func demoEnterprise(name, prefix17, address, nature, lead, leadPhone, handler, handlerPhone, email string) casework.EnterpriseInfo {
	return casework.EnterpriseInfo{Name: name, Address: address, Nature: nature, CreditCode: casework.CreditCodeWithCheck(prefix17),
		Lead: casework.Person{Name: lead, Title: "总经理", Phone: leadPhone}, Handler: casework.Person{Name: handler, Title: "报建专员", Phone: handlerPhone},
		Email: email}
}

var (
	entHaibin = demoEnterprise("阳江海滨新能源科技有限公司", "91441700MA4W8K3L2", "阳江市江城区东风二路88号", "有限责任公司",
		"李振邦", "13802661234", "周晓燕", "13926685521", "zhouxy@haibin-energy.cn")
	entNanpeng = demoEnterprise("阳江南鹏刀剪实业有限公司", "91441702MA51R6T0X", "阳江市阳东区金山路36号", "民营企业",
		"陈国华", "13612883377", "邓美玲", "15017762208", "dengml@nanpeng.com")
	entHailing = demoEnterprise("阳江海陵岛文旅发展有限公司", "91441704MA55QH2B7", "阳江市海陵岛试验区闸坡镇旅游大道1号", "国有控股企业",
		"黄志远", "13431190066", "张嘉欣", "18688320951", "zhangjx@hailing-tour.cn")
)

var demoForms = []demoForm{
	{"haibin", casework.Form{Enterprise: entHaibin,
		Project: casework.Project{Name: "海上风电运维基地项目", Address: "阳江市阳西县沙扒镇", Code: "2407-441700-04-01-558231",
			TotalInvestment: "86000", FundSources: []string{"private"}, FloorArea: "52300.50", LandNature: []string{"transferred"},
			KeyProject: "provincial", PurposeScale: "建设运维码头、仓储及调度中心，服务海上风电场运维", Progress: "已完成立项备案，正在办理用地预审"},
		Entrustment: casework.Entrustment{Stages: []string{"land", "planning", "construction"}, Matters: "建设用地规划许可证、建设工程规划许可证、施工许可证办理",
			Remarks: "项目建设工期紧，恳请协调并联审批", ServiceType: "agency"}}},
	{"nanpeng", casework.Form{Enterprise: entNanpeng,
		Project: casework.Project{Name: "智能刀剪生产线技改项目", Address: "阳江市阳东区刀剪产业园", Code: "2405-441704-07-02-120938",
			TotalInvestment: "3200.50", FundSources: []string{"private", "other"}, FundSourceOther: "银行贷款", FloorArea: "12800",
			LandNature: []string{"owned"}, KeyProject: "municipal", PurposeScale: "新增智能化刀剪生产线4条，年产刀剪800万件", Progress: "设备选型完成"},
		Entrustment: casework.Entrustment{Stages: []string{"construction", "completion"}, Matters: "技改项目备案、环评审批及竣工验收备案",
			ServiceType: "assist"}}},
	{"hailing", casework.Form{Enterprise: entHailing,
		Project: casework.Project{Name: "闸坡滨海旅游综合体", Address: "阳江市海陵岛试验区闸坡镇", Code: "2403-441771-04-01-661002",
			TotalInvestment: "125000", FundSources: []string{"government", "private"}, FloorArea: "186000", LandNature: []string{"transferred", "allocated"},
			KeyProject: "municipal", PurposeScale: "酒店、商业街及海滨公园，总建筑面积约18.6万平方米", Progress: "已取得土地，方案设计中"},
		Entrustment: casework.Entrustment{Stages: []string{"planning", "construction"}, Matters: "建设工程设计方案审查、人防及消防设计审查协调",
			ServiceType: "agency"}}},
	{"haibin", casework.Form{Enterprise: entHaibin,
		Project: casework.Project{Name: "分布式光伏屋顶改造项目", Address: "阳江高新区临港工业园", TotalInvestment: "1580", FundSources: []string{"private"},
			FloorArea: "0", LandNature: []string{"owned"}, KeyProject: "none", PurposeScale: "厂房屋顶光伏6MW", Progress: "前期咨询"},
		Entrustment: casework.Entrustment{Stages: []string{"initiation"}, Matters: "企业投资项目备案及电网接入咨询", ServiceType: "assist"}}},
	{"nanpeng", casework.Form{Enterprise: entNanpeng,
		Project: casework.Project{Name: "刀剪产品检测中心", Address: "阳江市江城区银岭科技产业园", TotalInvestment: "960.00",
			FundSources: []string{"private"}, FloorArea: "4200", LandNature: []string{"transferred"}, KeyProject: "none",
			PurposeScale: "建设刀剪产品质量检测实验室", Progress: "租赁场地已落实"},
		Entrustment: casework.Entrustment{Stages: []string{"other"}, StagesOther: "资质认定", Matters: "检验检测机构资质认定（CMA）咨询与帮办",
			ServiceType: "assist"}}},
	{"hailing", casework.Form{Enterprise: entHailing,
		Project: casework.Project{Name: "海陵岛游艇码头扩建", Address: "阳江市海陵岛试验区", TotalInvestment: "23000", FundSources: []string{"government"},
			FloorArea: "9800", LandNature: []string{"allocated"}, KeyProject: "provincial", PurposeScale: "新增游艇泊位120个", Progress: "可研报告编制中"},
		Entrustment: casework.Entrustment{Stages: []string{"initiation", "land"}, Matters: "海域使用权审批、项目核准", ServiceType: "agency"}}},
}

type demoStep struct {
	after   time.Duration
	who     string // a staff username, or "enterprise"
	action  casework.Action
	payload map[string]any
}

type demoScenario struct {
	target  casework.Status
	channel casework.Channel
	daysAgo int
	steps   []demoStep
}

const day = 24 * time.Hour

func steps(parts ...[]demoStep) []demoStep {
	var out []demoStep
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var (
	accept = []demoStep{{2 * time.Hour, "clerk1", casework.ActionAccept, map[string]any{"service_type": "agency", "scope": "key_project", "promised_days": 15}}}
	review = []demoStep{{day, "clerk1", casework.ActionPassReview, map[string]any{"content": "核对申请表及项目备案证明",
		"materials": []string{"服务申请表", "营业执照复印件", "项目备案证"}, "opinion": "材料基本齐全，符合帮办代办条件"}}}
	assign = func(spec string) []demoStep {
		return []demoStep{{2 * day, "head", casework.ActionAssign, map[string]any{"opinion": "同意受理，交由专员全程代办",
			"specialist": spec, "materials": []string{"服务申请表", "项目资料清单"}}}}
	}
	start = []demoStep{{3 * time.Hour, "", casework.ActionStart, map[string]any{"handover": []string{"营业执照复印件", "用地红线图", "设计方案文本"}}}}
	work  = []demoStep{
		{day, "", casework.ActionRecord, map[string]any{"note": "已预审申报材料，指导企业补正设计方案说明", "public": true}},
		{2 * day, "", casework.ActionCoordinate, map[string]any{"level": "department", "matter": "规划许可与消防设计审查并联办理",
			"departments": []string{"市自然资源局", "市住房和城乡建设局"}, "outcome": "两部门同意并联审查"}},
	}
	closeAs = func(result string) []demoStep {
		return []demoStep{
			{3 * day, "", casework.ActionProposeClose, map[string]any{"result": result, "explanation": map[string]string{
				"completed": "相关许可证已全部核发", "terminated": "企业调整投资计划，申请终止代办"}[result]}},
			{day, "head", casework.ActionSignOff, map[string]any{"opinion": "同意"}},
		}
	}
	mail     = []demoStep{{day, "", casework.ActionDeliver, map[string]any{"method": "mail", "tracking_no": "SF1408826633571"}}}
	inPerson = []demoStep{{day, "", casework.ActionDeliver, map[string]any{"method": "in_person", "signed_by": "周晓燕"}}}
	rate     = func(score int, comment string) []demoStep {
		return []demoStep{{day, "enterprise", casework.ActionRate, map[string]any{"score": score, "comment": comment}}}
	}
	archive = []demoStep{{day, "", casework.ActionSubmitArchive, map[string]any{"materials": []string{"服务申请表", "工作登记表", "批文复印件"}}},
		{day, "clerk1", casework.ActionArchive, map[string]any{}}}
)

var demoScenarios = []demoScenario{
	{casework.Submitted, casework.ChannelMiniProgram, 1, nil},
	{casework.Submitted, casework.ChannelHotline, 0, nil},
	{casework.NeedsInfo, casework.ChannelWindow, 6, steps(accept, []demoStep{{day, "clerk1", casework.ActionRequestInfo,
		map[string]any{"reason": "缺少项目备案证明", "items": []string{"项目备案证"}}}})},
	{casework.Reviewing, casework.ChannelPortal, 4, accept},
	{casework.MeetingReview, casework.ChannelWindow, 7, steps(accept, review)},
	{casework.Rejected, casework.ChannelComplaint, 20, []demoStep{{day, "clerk2", casework.ActionReject,
		map[string]any{"reason": "诉求属于司法诉讼范畴，不属于阳光代办服务范围"}}}},
	{casework.Withdrawn, casework.ChannelMiniProgram, 12, []demoStep{{day, "enterprise", casework.ActionWithdraw,
		map[string]any{"reason": "企业已自行办理"}}}},
	{casework.Assigned, casework.ChannelWindow, 9, steps(accept, review, assign("specialist1"))},
	{casework.InService, casework.ChannelMiniProgram, 14, steps(accept, review, assign("specialist1"), start, work)},
	{casework.InService, casework.ChannelWindow, 40, steps(accept, review, assign("specialist2"), start, work)}, // overdue
	{casework.Suspended, casework.ChannelPortal, 18, steps(accept, review, assign("specialist2"), start,
		[]demoStep{{day, "", casework.ActionSuspend, map[string]any{"reason": "等待企业修改设计方案"}}})},
	{casework.InService, casework.ChannelHotline, 25, steps(accept, review, assign("specialist3"), start,
		[]demoStep{{2 * day, "head", casework.ActionExtend, map[string]any{"days": 5, "reason": "涉及省级审批事项，办理时间较长"}}})},
	{casework.Closing, casework.ChannelWindow, 22, steps(accept, review, assign("specialist3"), start, work, closeAs("completed")[:1])},
	{casework.Completed, casework.ChannelMiniProgram, 30, steps(accept, review, assign("specialist1"), start, work, closeAs("completed"))},
	{casework.Terminated, casework.ChannelWindow, 35, steps(accept, review, assign("specialist2"), start, closeAs("terminated"))},
	{casework.Delivering, casework.ChannelPortal, 33, steps(accept, review, assign("specialist1"), start, work, closeAs("completed"), mail)},
	{casework.Delivered, casework.ChannelMiniProgram, 45, steps(accept, review, assign("specialist2"), start, work, closeAs("completed"), inPerson)},
	{casework.Delivered, casework.ChannelWindow, 50, steps(accept, review, assign("specialist3"), start, work, closeAs("completed"),
		mail, []demoStep{{2 * day, "enterprise", casework.ActionConfirmReceipt, nil}}, rate(5, "专员全程跟进，服务非常贴心"))},
	{casework.Archived, casework.ChannelWindow, 60, steps(accept, review, assign("specialist1"), start, work, closeAs("completed"),
		inPerson, rate(4, "办理高效"), archive)},
	{casework.Archived, casework.ChannelComplaint, 70, steps(accept, review, assign("specialist2"), start, closeAs("terminated"),
		inPerson, rate(2, "沟通不够及时"), archive)}, // the materials handed over are returned first
	{casework.Archived, casework.ChannelHotline, 65, []demoStep{{day, "clerk1", casework.ActionReject,
		map[string]any{"reason": "重复申请"}}, {day, "specialist1", casework.ActionSubmitArchive, map[string]any{"materials": []string{"服务申请表"}}},
		{day, "head", casework.ActionArchive, map[string]any{}}}},
	{casework.Reviewing, casework.ChannelHotline, 3, steps([]demoStep{{time.Hour, "clerk2", casework.ActionAccept,
		map[string]any{"service_type": "assist", "scope": "coordination", "promised_days": 10}}})},
	{casework.Assigned, casework.ChannelMiniProgram, 5, steps(accept, review, assign("specialist3"))},
}
