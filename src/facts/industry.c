/* industry.c: the canonical industries and their aliases (industry.h).
 *
 * The canonical names are the ids of the records' `industries` table
 * (src/core/db.c), plus those only documents name (电子元器件制造); the
 * unit test checks that every id of that table is canonical here. Aliases
 * are names as documents and the national classification (GB/T 4754)
 * write them, and the names meta.c once gave (医疗卫生, 水泥制造, …), so
 * an index built before this table folds the same way once reindexed. */
#include "industry.h"

#include <stddef.h>
#include <string.h>

struct industry {
	const char *name;	/* canonical */
	const char *sector;
	const char *aliases[12];	/* NULL-terminated */
};

static const struct industry table[] = {
	{ "医疗机构", "services", { "医疗卫生", "医疗", "医院", "卫生院", "医疗服务", "卫生",
		"卫生机构", "医疗卫生机构", "卫生和社会工作", NULL } },
	{ "餐饮", "services", { "餐饮服务", "饮食业", "饮食", "餐饮企业", NULL } },
	{ "交通运输", "services", { "道路运输", "公共交通", "公交", "客运", "道路客运",
		"交通运输、仓储和邮政业", NULL } },
	{ "教育", "services", { "学校", "教育机构", "高等学校", NULL } },
	{ "宾馆饭店", "services", { "住宿（宾馆饭店）", "住宿(宾馆饭店)", "住宿", "宾馆",
		"饭店", "酒店", "宾馆酒店", NULL } },
	{ "商场超市", "services", { "商业零售（商场）", "商业零售(商场)", "商业零售", "零售",
		"商场", "超市", "购物中心", NULL } },
	{ "数据中心", "services", { "互联网数据中心", NULL } },
	{ "洗染", "services", { "洗染服务（洗衣）", "洗染服务(洗衣)", "洗染服务", "洗衣",
		"洗涤", NULL } },
	{ "电力", "industry", { "电力生产", "发电", "热电", "电力、热力生产和供应",
		"电力、热力生产和供应业", NULL } },
	{ "化工", "industry", { "化学原料和化学制品制造", "化学原料及化学制品制造",
		"化学工业", "化学原料", "化学制品", "石油化工", "精细化工", NULL } },
	{ "印刷", "industry", { "印刷和记录媒介复制", "印刷和记录媒介复制业", "包装印刷",
		NULL } },
	{ "电镀", "industry", { "表面处理", "金属表面处理", NULL } },
	{ "汽车制造", "industry", { "汽车零部件制造", "汽车零部件", "汽车配件",
		"汽车零部件及配件制造", NULL } },
	{ "食品加工", "industry", { "食品制造", "农副食品加工", "乳制品制造", "乳制品",
		"食品", NULL } },
	{ "医药制造", "industry", { "制药", "医药", "药品制造", NULL } },
	{ "建材", "industry", { "水泥制造", "水泥", "建筑材料", "非金属矿物制品",
		"非金属矿物制品业", NULL } },
	{ "电子元器件制造", "industry", { "电子元器件", "电子元件制造", "电子器件制造",
		"电子", "电路板", "印制电路板", "计算机、通信和其他电子设备制造", NULL } },
	{ "奶牛养殖", "agriculture", { "奶牛", "奶牛场", NULL } },
	{ "生猪养殖", "agriculture", { "生猪", "养猪", "猪场", NULL } },
	{ "蛋鸡养殖", "agriculture", { "蛋鸡", "鸡场", NULL } },
	{ "水产养殖", "agriculture", { "水产", "渔业", "养鱼", NULL } },
	{ "设施种植", "agriculture", { "设施蔬菜种植", "设施农业", "蔬菜种植", "温室种植",
		"设施蔬菜", NULL } },
};

#define NTABLE (sizeof table / sizeof table[0])

const char *const portal_industries[NTABLE + 1] = {
	"医疗机构", "餐饮", "交通运输", "教育", "宾馆饭店", "商场超市", "数据中心", "洗染",
	"电力", "化工", "印刷", "电镀", "汽车制造", "食品加工", "医药制造", "建材",
	"电子元器件制造", "奶牛养殖", "生猪养殖", "蛋鸡养殖", "水产养殖", "设施种植", NULL,
};

/* The entry whose name or alias is the first len bytes of s. */
static const struct industry *lookup(const char *s, size_t len)
{
	for (size_t i = 0; i < NTABLE; i++) {
		if (strlen(table[i].name) == len && memcmp(table[i].name, s, len) == 0)
			return &table[i];
		for (const char *const *a = table[i].aliases; *a; a++)
			if (strlen(*a) == len && memcmp(*a, s, len) == 0)
				return &table[i];
	}
	return NULL;
}

static const struct industry *find(const char *name)
{
	if (!name)
		return NULL;
	size_t len = strlen(name);
	const struct industry *t = lookup(name, len);
	static const char *const suffixes[] = { "行业", "业" };	/* 电镀行业, 餐饮业, 制造业 */
	for (size_t i = 0; !t && i < sizeof suffixes / sizeof *suffixes; i++) {
		size_t n = strlen(suffixes[i]);
		if (len > n && memcmp(name + len - n, suffixes[i], n) == 0)
			t = lookup(name, len - n);
	}
	return t;
}

const char *portal_industry_fold(const char *name)
{
	const struct industry *t = find(name);
	return t ? t->name : name;
}

const char *portal_industry_sector(const char *name)
{
	const struct industry *t = find(name);
	return t ? t->sector : NULL;
}
