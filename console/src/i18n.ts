/**
 * The console's language: English or Simplified Chinese, the agent's choice, remembered in this
 * browser per agent (and as the default for the next sign-in). Dates, times and numbers go
 * through Intl in that locale. Shop content (canned replies, notes, articles) is never translated.
 */
import { useEffect, useState } from 'preact/hooks';

export type ConsoleLocale = 'en' | 'zh-CN';
export const CONSOLE_LOCALES: readonly ConsoleLocale[] = ['en', 'zh-CN'];

const STORAGE_KEY = 'kefu.console.locale';

const en = {
  'language.label': 'Language',
  'language.en': 'English',
  'language.zh-CN': '简体中文',
  'nav.team': 'Team…',
  'nav.setup': 'Setup',
  'nav.articles': 'Articles',
  'nav.gaps': 'Knowledge gaps',
  'nav.reports': 'Reports',
  'nav.followUps': 'Follow-ups',
  'nav.handover': 'Handover notes',
  'nav.logout': 'Log out',
  'nav.online': 'Online',
  'nav.away': 'Away',
  'nav.queue': 'Queue',
  'nav.mine': 'My chats',
  'nav.tickets': 'Offline tickets',
  'nav.nobodyWaiting': 'Nobody is waiting.',
  'nav.noChats': 'No chats assigned to you.',
  'nav.noTickets': 'No open tickets.',
  'nav.loading': 'Loading…',
  'workspace.noChat': 'No chat open',
  'workspace.waitingOne': '1 shopper is waiting. Claim a chat from the queue to answer it.',
  'workspace.waitingMany': '{n} shoppers are waiting. Claim a chat from the queue to answer it.',
  'workspace.nobody': 'Nobody is waiting. New chats appear in the queue on the left.',
  'workspace.skipMain': 'Skip to the main content',
  'workspace.skipConversation': 'Skip to the conversation',
  'common.refresh': 'Refresh',
  'common.loading': 'Loading…',
  'common.close': 'Close',
  'common.save': 'Save',
  'common.cancel': 'Cancel',
  'common.search': 'Search',
  'common.none': '—',
  'common.downloadCsv': 'Download CSV',
  'common.showTable': 'Show as a table',
  'reports.title': 'Reports',
  'reports.intro': 'How the shop keeps its promises, in the site’s time zone ({zone}), compared with the previous period of the same length.',
  'reports.range': 'Range',
  'reports.today': 'Today',
  'reports.7days': '7 days',
  'reports.30days': '30 days',
  'reports.custom': 'Custom',
  'reports.from': 'From',
  'reports.to': 'To',
  'reports.apply': 'Show',
  'reports.previous': 'Previous period: {from} – {to}',
  'reports.scopeAgent': 'You see the site’s totals and your own row.',
  'reports.figures': 'Figures',
  'reports.figure': 'Figure',
  'reports.value': 'This period',
  'reports.previousValue': 'Previous period',
  'reports.change': 'Change',
  'reports.pending': '{n} chats answered by the bot in the last 24 hours may still come back; they count as resolved for now.',
  'reports.chart.taken': 'Handoffs taken within {s} s, by day, against the target of {target}',
  'reports.chart.volume': 'Conversations started and handoffs to a person, by day',
  'reports.chart.csat': 'Satisfaction ratings, 1 to 5',
  'reports.chart.loading': 'Drawing the chart…',
  'reports.chart.failed': 'The chart could not be drawn; the table below has the same figures.',
  'reports.series.share': 'Taken in time',
  'reports.series.target': 'Target',
  'reports.series.started': 'Conversations started',
  'reports.series.handoffs': 'Handoffs to a person',
  'reports.series.ratings': 'Ratings',
  'reports.date': 'Date',
  'reports.reasons': 'Handoffs by reason',
  'reports.reason': 'Reason',
  'reports.count': 'Count',
  'reports.score': 'Score',
  'reports.agents': 'Agents',
  'reports.agent': 'Agent',
  'reports.chats': 'Chats',
  'reports.medianFirstReply': 'Median first reply',
  'reports.csat': 'CSAT',
  'reports.transfers': 'Transfers',
  'reports.heatmap': 'Conversations started by weekday and hour',
  'reports.heatmapHint': 'Each cell is the number of conversations started in that hour of the site’s day.',
  'reports.hour': 'Hour',
  'reports.weekday': 'Day',
  'reports.gaps': 'Top knowledge gaps',
  'reports.question': 'Question',
  'reports.noGaps': 'No unanswered questions in this range.',
  'reports.chatsCsv': 'Per-chat rows (CSV)',
  'reports.exports': 'Export',
  'reports.error': 'The report could not be loaded: {message}',
  'figure.conversationsStarted': 'Conversations started',
  'figure.botOnlyResolved': 'Resolved by the bot alone',
  'figure.botOnlyShare': 'Share resolved by the bot alone',
  'figure.helpful': 'Answers marked helpful',
  'figure.notHelpful': 'Answers marked not helpful',
  'figure.chipsClicked': 'Suggestion chips clicked',
  'figure.handoffs': 'Handoffs',
  'figure.handoffsToQueue': 'Handoffs to the queue',
  'figure.takenWithinTargetShare': 'Taken within {s} s (target {target})',
  'figure.takenWithin60sShare': 'Taken within 60 s',
  'figure.queueWaitP50': 'Queue wait, median',
  'figure.queueWaitP90': 'Queue wait, 90th percentile',
  'figure.abandoned': 'Abandoned in the queue',
  'figure.firstReplyP50': 'First human reply, median',
  'figure.firstReplyP90': 'First human reply, 90th percentile',
  'figure.handleTimeAverage': 'Handle time, average',
  'figure.transfers': 'Transfers',
  'figure.csatAverage': 'CSAT average (1–5)',
  'figure.csatResponses': 'Ratings given',
  'figure.csatResponseRate': 'Rating response rate',
  'figure.complaints': 'Complaints',
  'figure.complaintsClosedWithinSlaShare': 'Complaints closed within {h} h',
  'figure.offlineTickets': 'Offline tickets',
  'figure.ticketsAnsweredInTimeShare': 'Tickets answered within {h} h',
  'figure.followUpsCreated': 'Follow-ups created',
  'figure.followUpsDone': 'Follow-ups done',
  'reason.angry': 'Shopper seems upset',
  'reason.requested_human': 'Asked for a person',
  'reason.complaint': 'Complaint',
  'reason.low_confidence': 'Bot was unsure',
  'reason.not_helpful_twice': 'Answers did not help twice',
  'reason.out_of_scope': 'Outside what the bot knows',
  'weekday.0': 'Mon',
  'weekday.1': 'Tue',
  'weekday.2': 'Wed',
  'weekday.3': 'Thu',
  'weekday.4': 'Fri',
  'weekday.5': 'Sat',
  'weekday.6': 'Sun',
  'followUps.title': 'Follow-ups',
  'followUps.intro': 'Chats rated 1 or 2, and complaints: call the shopper back, then mark the item done with a note.',
  'followUps.open': 'Open',
  'followUps.done': 'Done',
  'followUps.all': 'All',
  'followUps.show': 'Show',
  'followUps.empty': 'Nothing to follow up.',
  'followUps.why.low_rating': 'Rated {rating} of 5',
  'followUps.why.complaint': 'Complaint',
  'followUps.who': 'Agent: {name}',
  'followUps.noAgent': 'No agent yet',
  'followUps.openChat': 'Open the transcript',
  'followUps.markDone': 'Mark done…',
  'followUps.note': 'What was done',
  'followUps.doneBy': 'Done by {name}, {when}',
  'followUps.saved': 'Follow-up marked done.',
  'followUps.doneTitle': 'Mark the follow-up done',
  'handover.title': 'Handover notes',
  'handover.intro': 'Notes for the next shift. Kept for {days} days.',
  'handover.write': 'New note',
  'handover.post': 'Post the note',
  'handover.posted': 'Note posted.',
  'handover.search': 'Search the notes',
  'handover.empty': 'No notes.',
  'handover.unread': 'New',
  'handover.since': 'Notes since your last shift',
  'handover.markRead': 'Mark as read',
  'handover.by': '{name}, {when}',
} as const;

export type MessageKey = keyof typeof en;

const zh: Record<MessageKey, string> = {
  'language.label': '语言',
  'language.en': 'English',
  'language.zh-CN': '简体中文',
  'nav.team': '团队…',
  'nav.setup': '设置',
  'nav.articles': '文章',
  'nav.gaps': '知识缺口',
  'nav.reports': '报表',
  'nav.followUps': '回访',
  'nav.handover': '交班日记',
  'nav.logout': '退出登录',
  'nav.online': '在线',
  'nav.away': '离开',
  'nav.queue': '排队',
  'nav.mine': '我的会话',
  'nav.tickets': '离线工单',
  'nav.nobodyWaiting': '没有人在等待。',
  'nav.noChats': '没有分配给你的会话。',
  'nav.noTickets': '没有未处理的工单。',
  'nav.loading': '加载中…',
  'workspace.noChat': '未打开会话',
  'workspace.waitingOne': '有 1 位顾客在等待。从排队中认领一个会话来回复。',
  'workspace.waitingMany': '有 {n} 位顾客在等待。从排队中认领一个会话来回复。',
  'workspace.nobody': '没有人在等待。新会话会出现在左侧的排队中。',
  'workspace.skipMain': '跳到主要内容',
  'workspace.skipConversation': '跳到会话',
  'common.refresh': '刷新',
  'common.loading': '加载中…',
  'common.close': '关闭',
  'common.save': '保存',
  'common.cancel': '取消',
  'common.search': '搜索',
  'common.none': '—',
  'common.downloadCsv': '下载 CSV',
  'common.showTable': '以表格显示',
  'reports.title': '报表',
  'reports.intro': '店铺的服务承诺兑现情况，按站点时区（{zone}）计算，并与上一个等长周期对比。',
  'reports.range': '时间范围',
  'reports.today': '今天',
  'reports.7days': '7 天',
  'reports.30days': '30 天',
  'reports.custom': '自定义',
  'reports.from': '开始',
  'reports.to': '结束',
  'reports.apply': '查看',
  'reports.previous': '上一周期：{from} – {to}',
  'reports.scopeAgent': '你看到的是全站合计和你自己的一行。',
  'reports.figures': '指标',
  'reports.figure': '指标',
  'reports.value': '本期',
  'reports.previousValue': '上期',
  'reports.change': '变化',
  'reports.pending': '过去 24 小时内由机器人回答的 {n} 个会话仍可能再来咨询；目前按已解决计算。',
  'reports.chart.taken': '每天 {s} 秒内被人工接入的转人工占比，对照目标 {target}',
  'reports.chart.volume': '每天开始的会话数和转人工数',
  'reports.chart.csat': '满意度评分（1 到 5）',
  'reports.chart.loading': '正在绘制图表…',
  'reports.chart.failed': '图表无法绘制；下方表格包含相同的数据。',
  'reports.series.share': '及时接入',
  'reports.series.target': '目标',
  'reports.series.started': '开始的会话',
  'reports.series.handoffs': '转人工',
  'reports.series.ratings': '评分',
  'reports.date': '日期',
  'reports.reasons': '转人工原因',
  'reports.reason': '原因',
  'reports.count': '数量',
  'reports.score': '评分',
  'reports.agents': '客服',
  'reports.agent': '客服',
  'reports.chats': '会话',
  'reports.medianFirstReply': '首次回复中位数',
  'reports.csat': '满意度',
  'reports.transfers': '转接',
  'reports.heatmap': '按星期和小时统计的新会话',
  'reports.heatmapHint': '每格是站点当地时间该小时内开始的会话数。',
  'reports.hour': '小时',
  'reports.weekday': '星期',
  'reports.gaps': '主要知识缺口',
  'reports.question': '问题',
  'reports.noGaps': '该时间范围内没有未解答的问题。',
  'reports.chatsCsv': '逐会话明细（CSV）',
  'reports.exports': '导出',
  'reports.error': '报表加载失败：{message}',
  'figure.conversationsStarted': '开始的会话',
  'figure.botOnlyResolved': '机器人独立解决',
  'figure.botOnlyShare': '机器人独立解决占比',
  'figure.helpful': '标记为有帮助的回答',
  'figure.notHelpful': '标记为没帮助的回答',
  'figure.chipsClicked': '点击的推荐问题',
  'figure.handoffs': '转人工',
  'figure.handoffsToQueue': '进入排队的转人工',
  'figure.takenWithinTargetShare': '{s} 秒内接入（目标 {target}）',
  'figure.takenWithin60sShare': '60 秒内接入',
  'figure.queueWaitP50': '排队等待（中位数）',
  'figure.queueWaitP90': '排队等待（90 分位）',
  'figure.abandoned': '排队中放弃',
  'figure.firstReplyP50': '首次人工回复（中位数）',
  'figure.firstReplyP90': '首次人工回复（90 分位）',
  'figure.handleTimeAverage': '平均处理时长',
  'figure.transfers': '转接',
  'figure.csatAverage': '满意度平均分（1–5）',
  'figure.csatResponses': '收到的评分',
  'figure.csatResponseRate': '评分参与率',
  'figure.complaints': '投诉',
  'figure.complaintsClosedWithinSlaShare': '{h} 小时内结案的投诉',
  'figure.offlineTickets': '离线工单',
  'figure.ticketsAnsweredInTimeShare': '{h} 小时内回复的工单',
  'figure.followUpsCreated': '新建回访',
  'figure.followUpsDone': '已完成回访',
  'reason.angry': '顾客情绪不满',
  'reason.requested_human': '要求人工',
  'reason.complaint': '投诉',
  'reason.low_confidence': '机器人不确定',
  'reason.not_helpful_twice': '两次回答都没帮助',
  'reason.out_of_scope': '超出机器人知识范围',
  'weekday.0': '周一',
  'weekday.1': '周二',
  'weekday.2': '周三',
  'weekday.3': '周四',
  'weekday.4': '周五',
  'weekday.5': '周六',
  'weekday.6': '周日',
  'followUps.title': '回访',
  'followUps.intro': '评分为 1 或 2 的会话和投诉：回访顾客后，填写备注并标记完成。',
  'followUps.open': '待处理',
  'followUps.done': '已完成',
  'followUps.all': '全部',
  'followUps.show': '显示',
  'followUps.empty': '没有需要回访的事项。',
  'followUps.why.low_rating': '评分 {rating} / 5',
  'followUps.why.complaint': '投诉',
  'followUps.who': '客服：{name}',
  'followUps.noAgent': '尚无客服',
  'followUps.openChat': '打开聊天记录',
  'followUps.markDone': '标记完成…',
  'followUps.note': '处理情况',
  'followUps.doneBy': '{name} 于 {when} 完成',
  'followUps.saved': '回访已标记完成。',
  'followUps.doneTitle': '标记回访完成',
  'handover.title': '交班日记',
  'handover.intro': '留给下一班的备注，保留 {days} 天。',
  'handover.write': '新备注',
  'handover.post': '发布备注',
  'handover.posted': '备注已发布。',
  'handover.search': '搜索备注',
  'handover.empty': '没有备注。',
  'handover.unread': '新',
  'handover.since': '你上次上班以来的备注',
  'handover.markRead': '标记为已读',
  'handover.by': '{name}，{when}',
};

const catalogues: Record<ConsoleLocale, Record<MessageKey, string>> = { en, 'zh-CN': zh };

function initialLocale(): ConsoleLocale {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'en' || stored === 'zh-CN') return stored;
  } catch {
    // storage blocked: fall through to the browser's language
  }
  return typeof navigator !== 'undefined' && /^zh\b(?!-(TW|HK|MO|Hant))/i.test(navigator.language) ? 'zh-CN' : 'en';
}

let current: ConsoleLocale = initialLocale();
if (typeof document !== 'undefined') document.documentElement.lang = current;
const listeners = new Set<(locale: ConsoleLocale) => void>();

export function currentLocale(): ConsoleLocale {
  return current;
}

/** The agent's remembered choice, once they are known (it overrides the browser default). */
export function loadAgentLocale(agentId: string): void {
  try {
    const stored = localStorage.getItem(`${STORAGE_KEY}.${agentId}`);
    if (stored === 'en' || stored === 'zh-CN') setLocale(stored, agentId);
  } catch {
    // storage blocked
  }
}

export function setLocale(locale: ConsoleLocale, agentId?: string): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
    if (agentId) localStorage.setItem(`${STORAGE_KEY}.${agentId}`, locale);
  } catch {
    // storage blocked: the choice lasts for this page
  }
  if (locale === current) return;
  current = locale;
  document.documentElement.lang = locale;
  for (const listener of listeners) listener(locale);
}

/** Re-renders the component when the language changes. */
export function useLocale(): ConsoleLocale {
  const [locale, setState] = useState(current);
  useEffect(() => {
    listeners.add(setState);
    setState(current);
    return () => {
      listeners.delete(setState);
    };
  }, []);
  return locale;
}

/** A message in the console's language, with {name} placeholders filled in (as plain text). */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = catalogues[current][key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function formatNumber(value: number, options: Intl.NumberFormatOptions = {}): string {
  return new Intl.NumberFormat(current, options).format(value);
}

export function formatPercent(share: number): string {
  return new Intl.NumberFormat(current, { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

/** Seconds as "1 min 5 s" / "1分钟5秒". */
export function formatSeconds(total: number): string {
  const seconds = Math.round(total);
  if (seconds < 60) return new Intl.NumberFormat(current, { style: 'unit', unit: 'second', unitDisplay: 'short' }).format(seconds);
  if (seconds < 3600) {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    const unit = (value: number, u: string) => new Intl.NumberFormat(current, { style: 'unit', unit: u, unitDisplay: 'short' }).format(value);
    return rest ? `${unit(minutes, 'minute')} ${unit(rest, 'second')}` : unit(minutes, 'minute');
  }
  return new Intl.NumberFormat(current, { style: 'unit', unit: 'hour', unitDisplay: 'short', maximumFractionDigits: 1 }).format(seconds / 3600);
}

export function formatDateTime(at: number): string {
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(at));
}

/** A YYYY-MM-DD date as the locale writes it (the date itself, no time zone shift). */
export function formatDay(date: string): string {
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}
