/*
 * gen_names.c: the names the population generator gives people.
 *
 * Each nationality has one or more naming cultures (India has several, and
 * a Muslim family from Hyderabad is not named like a Sikh family from
 * Punjab), each with family names and given names by sex, most common
 * first, so that gen.c can weight them by rank. Chinese names carry their
 * Han characters and Hindi-speaking India's its Devanagari spelling, which
 * become native_name; the Latin forms are what passports print. The lists
 * were written by hand from commonly published rankings of surnames and
 * given names; they need not be exact, only plausible.
 */
#include "core/homeward.h"
#include "gen/gen_int.h"

#define NAMES(a) { (a), ARRAY_SIZE(a) }

/* China: the hundred commonest surnames and given names of several
 * generations (Xiuying and Guiying beside Zixuan and Yinuo). */
static const struct gen_name cn_family[] = {
	{ "Wang", "王" }, { "Li", "李" }, { "Zhang", "张" }, { "Liu", "刘" },
	{ "Chen", "陈" }, { "Yang", "杨" }, { "Huang", "黄" }, { "Zhao", "赵" },
	{ "Wu", "吴" }, { "Zhou", "周" }, { "Xu", "徐" }, { "Sun", "孙" },
	{ "Ma", "马" }, { "Zhu", "朱" }, { "Hu", "胡" }, { "Guo", "郭" },
	{ "He", "何" }, { "Gao", "高" }, { "Lin", "林" }, { "Luo", "罗" },
	{ "Zheng", "郑" }, { "Liang", "梁" }, { "Xie", "谢" }, { "Song", "宋" },
	{ "Tang", "唐" }, { "Xu", "许" }, { "Han", "韩" }, { "Feng", "冯" },
	{ "Deng", "邓" }, { "Cao", "曹" }, { "Peng", "彭" }, { "Zeng", "曾" },
	{ "Xiao", "肖" }, { "Tian", "田" }, { "Dong", "董" }, { "Yuan", "袁" },
	{ "Pan", "潘" }, { "Yu", "于" }, { "Jiang", "蒋" }, { "Cai", "蔡" },
	{ "Yu", "余" }, { "Du", "杜" }, { "Ye", "叶" }, { "Cheng", "程" },
	{ "Su", "苏" }, { "Wei", "魏" }, { "Lyu", "吕" }, { "Ding", "丁" },
	{ "Ren", "任" }, { "Shen", "沈" }, { "Yao", "姚" }, { "Lu", "卢" },
	{ "Jiang", "姜" }, { "Cui", "崔" }, { "Zhong", "钟" }, { "Tan", "谭" },
	{ "Lu", "陆" }, { "Wang", "汪" }, { "Fan", "范" }, { "Jin", "金" },
	{ "Shi", "石" }, { "Liao", "廖" }, { "Jia", "贾" }, { "Xia", "夏" },
	{ "Wei", "韦" }, { "Fu", "付" }, { "Fang", "方" }, { "Bai", "白" },
	{ "Zou", "邹" }, { "Meng", "孟" }, { "Xiong", "熊" }, { "Qin", "秦" },
	{ "Qiu", "邱" }, { "Jiang", "江" }, { "Yin", "尹" }, { "Xue", "薛" },
	{ "Yan", "闫" }, { "Duan", "段" }, { "Lei", "雷" }, { "Hou", "侯" },
	{ "Long", "龙" }, { "Shi", "史" }, { "Tao", "陶" }, { "Li", "黎" },
	{ "He", "贺" }, { "Gu", "顾" }, { "Mao", "毛" }, { "Hao", "郝" },
	{ "Gong", "龚" }, { "Shao", "邵" }, { "Wan", "万" }, { "Qian", "钱" },
	{ "Yan", "严" }, { "Qin", "覃" }, { "Wu", "武" }, { "Dai", "戴" },
	{ "Mo", "莫" }, { "Kong", "孔" }, { "Xiang", "向" }, { "Tang", "汤" },
};

static const struct gen_name cn_male[] = {
	{ "Wei", "伟" }, { "Qiang", "强" }, { "Lei", "磊" }, { "Jun", "军" },
	{ "Yang", "洋" }, { "Yong", "勇" }, { "Jie", "杰" }, { "Tao", "涛" },
	{ "Ming", "明" }, { "Chao", "超" }, { "Gang", "刚" }, { "Ping", "平" },
	{ "Hui", "辉" }, { "Peng", "鹏" }, { "Hua", "华" }, { "Fei", "飞" },
	{ "Xin", "鑫" }, { "Bo", "波" }, { "Bin", "斌" }, { "Yu", "宇" },
	{ "Hao", "浩" }, { "Kai", "凯" }, { "Jian", "健" }, { "Jun", "俊" },
	{ "Fan", "帆" }, { "Shuai", "帅" }, { "Xu", "旭" }, { "Ning", "宁" },
	{ "Long", "龙" }, { "Lin", "林" }, { "Jianhua", "建华" },
	{ "Jianguo", "建国" }, { "Zhiqiang", "志强" }, { "Yongqiang", "永强" },
	{ "Zixuan", "子轩" }, { "Haoran", "浩然" }, { "Yuxuan", "宇轩" },
	{ "Junjie", "俊杰" }, { "Jianjun", "建军" }, { "Xiaoming", "晓明" },
	{ "Zhiming", "志明" }, { "Guoqiang", "国强" }, { "Wenbo", "文博" },
	{ "Tianyou", "天佑" }, { "Jiahao", "嘉豪" }, { "Yiming", "一鸣" },
	{ "Zhenhua", "振华" }, { "Jiawei", "家伟" }, { "Haotian", "昊天" },
	{ "Bowen", "博文" }, { "Siyuan", "思远" }, { "Mingxuan", "明轩" },
	{ "Zihao", "子豪" }, { "Yuhang", "宇航" }, { "Jianping", "建平" },
	{ "Haitao", "海涛" }, { "Guohua", "国华" }, { "Deming", "德明" },
	{ "Lixin", "立新" }, { "Weiqiang", "伟强" }, { "Xiaolong", "小龙" },
	{ "Chenyang", "晨阳" }, { "Haoxuan", "皓轩" }, { "Zirui", "梓睿" },
};

static const struct gen_name cn_female[] = {
	{ "Fang", "芳" }, { "Na", "娜" }, { "Min", "敏" }, { "Jing", "静" },
	{ "Li", "丽" }, { "Yan", "艳" }, { "Juan", "娟" }, { "Xia", "霞" },
	{ "Xiuying", "秀英" }, { "Xiulan", "秀兰" }, { "Yulan", "玉兰" },
	{ "Guiying", "桂英" }, { "Lijuan", "丽娟" }, { "Ting", "婷" },
	{ "Xue", "雪" }, { "Lin", "琳" }, { "Hui", "慧" }, { "Ying", "颖" },
	{ "Jie", "洁" }, { "Ling", "玲" }, { "Yan", "燕" }, { "Ping", "萍" },
	{ "Hong", "红" }, { "Mei", "梅" }, { "Li", "莉" }, { "Jing", "晶" },
	{ "Qian", "倩" }, { "Xinyi", "欣怡" }, { "Zihan", "梓涵" },
	{ "Shihan", "诗涵" }, { "Yuhan", "雨涵" }, { "Siqi", "思琪" },
	{ "Jiayi", "佳怡" }, { "Xiaoyan", "晓燕" }, { "Haiyan", "海燕" },
	{ "Dan", "丹" }, { "Yue", "悦" }, { "Jiaqi", "佳琪" }, { "Yating", "雅婷" },
	{ "Meiling", "美玲" }, { "Chunmei", "春梅" }, { "Shuzhen", "淑珍" },
	{ "Guilan", "桂兰" }, { "Fengying", "凤英" }, { "Xiaoli", "晓丽" },
	{ "Wenjing", "文静" }, { "Yao", "瑶" }, { "Yinuo", "一诺" },
	{ "Kexin", "可馨" }, { "Zihan", "子涵" }, { "Xinyan", "欣妍" },
	{ "Yutong", "雨桐" }, { "Mengqi", "梦琪" }, { "Xiuzhen", "秀珍" },
	{ "Yumei", "玉梅" }, { "Lihua", "丽华" }, { "Xiaohong", "晓红" },
	{ "Huimin", "慧敏" }, { "Xuemei", "雪梅" }, { "Wanqing", "婉清" },
};

static const struct gen_culture cultures_cn[] = {
	{ "han", 100, NAMES(cn_family), NAMES(cn_male), NAMES(cn_female),
	  GN_FAMILY_GIVEN, true, false, "zh", NULL, 0 },
};
const struct gen_culture_set gen_cultures_cn = {
	cultures_cn, ARRAY_SIZE(cultures_cn)
};

/* India, north and west: Hindi-speaking Hindu and Jain families. */
static const struct gen_name in_north_family[] = {
	{ "Sharma", "शर्मा" }, { "Kumar", "कुमार" }, { "Singh", "सिंह" },
	{ "Patel", "पटेल" }, { "Verma", "वर्मा" }, { "Gupta", "गुप्ता" },
	{ "Shah", "शाह" }, { "Yadav", "यादव" }, { "Mishra", "मिश्रा" },
	{ "Pandey", "पांडे" }, { "Joshi", "जोशी" }, { "Mehta", "मेहता" },
	{ "Agarwal", "अग्रवाल" }, { "Chauhan", "चौहान" }, { "Jain", "जैन" },
	{ "Tiwari", "तिवारी" }, { "Dubey", "दुबे" }, { "Saxena", "सक्सेना" },
	{ "Srivastava", "श्रीवास्तव" }, { "Chaudhary", "चौधरी" },
	{ "Thakur", "ठाकुर" }, { "Rathore", "राठौड़" }, { "Malhotra", "मल्होत्रा" },
	{ "Kapoor", "कपूर" }, { "Chopra", "चोपड़ा" }, { "Khanna", "खन्ना" },
	{ "Desai", "देसाई" }, { "Kulkarni", "कुलकर्णी" }, { "Patil", "पाटिल" },
	{ "Deshmukh", "देशमुख" }, { "Pawar", "पवार" }, { "Jadhav", "जाधव" },
	{ "Bhatt", "भट्ट" }, { "Trivedi", "त्रिवेदी" }, { "Dwivedi", "द्विवेदी" },
	{ "Goswami", "गोस्वामी" }, { "Sinha", "सिन्हा" }, { "Prasad", "प्रसाद" },
	{ "Das", "दास" }, { "Banerjee", "बनर्जी" }, { "Chatterjee", "चटर्जी" },
	{ "Mukherjee", "मुखर्जी" }, { "Bose", "बोस" }, { "Ghosh", "घोष" },
	{ "Dutta", "दत्ता" }, { "Sen", "सेन" }, { "Roy", "रॉय" },
	{ "Mohanty", "मोहंती" }, { "Nayak", "नायक" }, { "Sahu", "साहू" },
	{ "Rajput", "राजपूत" }, { "Soni", "सोनी" }, { "Bansal", "बंसल" },
	{ "Goyal", "गोयल" }, { "Arora", "अरोड़ा" }, { "Bhatia", "भाटिया" },
	{ "Sethi", "सेठी" }, { "Tripathi", "त्रिपाठी" },
	{ "Upadhyay", "उपाध्याय" }, { "Pandit", "पंडित" },
};

static const struct gen_name in_north_male[] = {
	{ "Rahul", "राहुल" }, { "Amit", "अमित" }, { "Rajesh", "राजेश" },
	{ "Suresh", "सुरेश" }, { "Ramesh", "रमेश" }, { "Vijay", "विजय" },
	{ "Sanjay", "संजय" }, { "Anil", "अनिल" }, { "Sunil", "सुनील" },
	{ "Ravi", "रवि" }, { "Arjun", "अर्जुन" }, { "Aarav", "आरव" },
	{ "Vivaan", "विवान" }, { "Aditya", "आदित्य" }, { "Rohan", "रोहन" },
	{ "Karan", "करण" }, { "Vikram", "विक्रम" }, { "Manoj", "मनोज" },
	{ "Deepak", "दीपक" }, { "Ashok", "अशोक" }, { "Prakash", "प्रकाश" },
	{ "Rakesh", "राकेश" }, { "Mahesh", "महेश" }, { "Ganesh", "गणेश" },
	{ "Nikhil", "निखिल" }, { "Siddharth", "सिद्धार्थ" }, { "Anand", "आनंद" },
	{ "Vishal", "विशाल" }, { "Ajay", "अजय" }, { "Pradeep", "प्रदीप" },
	{ "Sachin", "सचिन" }, { "Naveen", "नवीन" }, { "Arun", "अरुण" },
	{ "Vinod", "विनोद" }, { "Dinesh", "दिनेश" }, { "Mukesh", "मुकेश" },
	{ "Ishaan", "ईशान" }, { "Reyansh", "रेयांश" }, { "Kabir", "कबीर" },
	{ "Aryan", "आर्यन" }, { "Harsh", "हर्ष" }, { "Gaurav", "गौरव" },
	{ "Saurabh", "सौरभ" }, { "Abhishek", "अभिषेक" }, { "Ankit", "अंकित" },
	{ "Pankaj", "पंकज" }, { "Manish", "मनीष" }, { "Yash", "यश" },
	{ "Dhruv", "ध्रुव" }, { "Krishna", "कृष्णा" },
};

static const struct gen_name in_north_female[] = {
	{ "Priya", "प्रिया" }, { "Anjali", "अंजलि" }, { "Pooja", "पूजा" },
	{ "Neha", "नेहा" }, { "Sunita", "सुनीता" }, { "Anita", "अनीता" },
	{ "Kavita", "कविता" }, { "Deepa", "दीपा" }, { "Meena", "मीना" },
	{ "Rekha", "रेखा" }, { "Asha", "आशा" }, { "Geeta", "गीता" },
	{ "Sita", "सीता" }, { "Radha", "राधा" }, { "Divya", "दिव्या" },
	{ "Shreya", "श्रेया" }, { "Aishwarya", "ऐश्वर्या" }, { "Ananya", "अनन्या" },
	{ "Aadhya", "आद्या" }, { "Diya", "दीया" }, { "Saanvi", "सान्वी" },
	{ "Isha", "ईशा" }, { "Kriti", "कृति" }, { "Nisha", "निशा" },
	{ "Swati", "स्वाति" }, { "Shweta", "श्वेता" }, { "Pallavi", "पल्लवी" },
	{ "Rani", "रानी" }, { "Savita", "सविता" }, { "Usha", "उषा" },
	{ "Jyoti", "ज्योति" }, { "Manisha", "मनीषा" }, { "Preeti", "प्रीति" },
	{ "Sneha", "स्नेहा" }, { "Meera", "मीरा" }, { "Nandini", "नंदिनी" },
	{ "Riya", "रिया" }, { "Tanvi", "तन्वी" }, { "Aarti", "आरती" },
	{ "Bhavna", "भावना" }, { "Sapna", "सपना" }, { "Kajal", "काजल" },
	{ "Shalini", "शालिनी" }, { "Komal", "कोमल" }, { "Payal", "पायल" },
	{ "Ritu", "रितु" }, { "Sonia", "सोनिया" }, { "Madhu", "मधु" },
	{ "Archana", "अर्चना" }, { "Kiran", "किरण" },
};

/* India, south: Telugu, Tamil, Kannada and Malayali Hindu families. */
static const struct gen_name in_south_family[] = {
	{ "Reddy", "रेड्डी" }, { "Nair", "नायर" }, { "Rao", "राव" },
	{ "Iyer", "अय्यर" }, { "Pillai", "पिल्लई" }, { "Naidu", "नायडू" },
	{ "Menon", "मेनन" }, { "Kumar", "कुमार" }, { "Shetty", "शेट्टी" },
	{ "Krishnan", "कृष्णन" }, { "Hegde", "हेगड़े" }, { "Kamath", "कामत" },
	{ "Iyengar", "अयंगर" }, { "Subramanian", "सुब्रमण्यन" },
	{ "Raman", "रमन" }, { "Murthy", "मूर्ति" }, { "Gowda", "गौड़ा" },
	{ "Acharya", "आचार्य" }, { "Bhat", "भट" }, { "Nambiar", "नांबियार" },
	{ "Kurup", "कुरुप" }, { "Chettiar", "चेट्टियार" },
	{ "Venkataraman", "वेंकटरमन" }, { "Srinivasan", "श्रीनिवासन" },
	{ "Ramachandran", "रामचंद्रन" }, { "Rajan", "राजन" }, { "Varma", "वर्मा" },
	{ "Prasad", "प्रसाद" }, { "Naik", "नाइक" }, { "Shenoy", "शेनॉय" },
};

static const struct gen_name in_south_male[] = {
	{ "Venkatesh", "वेंकटेश" }, { "Srinivas", "श्रीनिवास" },
	{ "Ramesh", "रमेश" }, { "Suresh", "सुरेश" }, { "Karthik", "कार्तिक" },
	{ "Arun", "अरुण" }, { "Vijay", "विजय" }, { "Rajesh", "राजेश" },
	{ "Krishna", "कृष्णा" }, { "Ganesh", "गणेश" }, { "Prasad", "प्रसाद" },
	{ "Murali", "मुरली" }, { "Senthil", "सेंथिल" }, { "Balaji", "बालाजी" },
	{ "Anand", "आनंद" }, { "Hari", "हरि" }, { "Sandeep", "संदीप" },
	{ "Sanjay", "संजय" }, { "Kiran", "किरण" }, { "Praveen", "प्रवीण" },
	{ "Naveen", "नवीन" }, { "Vinay", "विनय" }, { "Harish", "हरीश" },
	{ "Girish", "गिरीश" }, { "Mohan", "मोहन" }, { "Gopal", "गोपाल" },
	{ "Raghav", "राघव" }, { "Ashwin", "अश्विन" }, { "Aditya", "आदित्य" },
	{ "Vishnu", "विष्णु" }, { "Sai", "साई" }, { "Rohit", "रोहित" },
	{ "Deepak", "दीपक" }, { "Manoj", "मनोज" }, { "Sreejith", "श्रीजित" },
	{ "Arjun", "अर्जुन" },
};

static const struct gen_name in_south_female[] = {
	{ "Lakshmi", "लक्ष्मी" }, { "Priya", "प्रिया" }, { "Divya", "दिव्या" },
	{ "Deepa", "दीपा" }, { "Kavya", "काव्या" }, { "Anitha", "अनीता" },
	{ "Sangeetha", "संगीता" }, { "Revathi", "रेवती" }, { "Padma", "पद्मा" },
	{ "Saranya", "शरण्या" }, { "Keerthana", "कीर्तना" },
	{ "Meenakshi", "मीनाक्षी" }, { "Gayathri", "गायत्री" },
	{ "Swathi", "स्वाति" }, { "Ramya", "रम्या" }, { "Bhavya", "भव्या" },
	{ "Sowmya", "सौम्या" }, { "Vidya", "विद्या" }, { "Radha", "राधा" },
	{ "Sneha", "स्नेहा" }, { "Anjali", "अंजलि" }, { "Aishwarya", "ऐश्वर्या" },
	{ "Shruti", "श्रुति" }, { "Nithya", "नित्या" }, { "Pooja", "पूजा" },
	{ "Harini", "हरिणी" }, { "Sushma", "सुषमा" }, { "Uma", "उमा" },
	{ "Vani", "वाणी" }, { "Jaya", "जया" },
};

/* India, Punjab: Sikh clan names; Singh and Kaur are added by rule. */
static const struct gen_name in_sikh_family[] = {
	{ "Gill", "गिल" }, { "Sandhu", "संधू" }, { "Sidhu", "सिद्धू" },
	{ "Dhillon", "ढिल्लों" }, { "Grewal", "ग्रेवाल" }, { "Brar", "बराड़" },
	{ "Sekhon", "सेखों" }, { "Bajwa", "बाजवा" }, { "Randhawa", "रंधावा" },
	{ "Bains", "बैंस" }, { "Virk", "विर्क" }, { "Cheema", "चीमा" },
	{ "Johal", "जौहल" }, { "Mann", "मान" }, { "Kang", "कंग" },
	{ "Aulakh", "औलख" }, { "Chahal", "चहल" }, { "Bhullar", "भुल्लर" },
	{ "Toor", "तूर" }, { "Kalsi", "कालसी" },
};

static const struct gen_name in_sikh_male[] = {
	{ "Harpreet", "हरप्रीत" }, { "Gurpreet", "गुरप्रीत" },
	{ "Manpreet", "मनप्रीत" }, { "Jaspreet", "जसप्रीत" },
	{ "Amandeep", "अमनदीप" }, { "Gurdeep", "गुरदीप" }, { "Harjit", "हरजीत" },
	{ "Kuldeep", "कुलदीप" }, { "Jagjit", "जगजीत" },
	{ "Sukhwinder", "सुखविंदर" }, { "Balwinder", "बलविंदर" },
	{ "Ranjit", "रणजीत" }, { "Paramjit", "परमजीत" },
	{ "Jaswinder", "जसविंदर" }, { "Gurinder", "गुरिंदर" },
	{ "Navdeep", "नवदीप" }, { "Hardeep", "हरदीप" }, { "Satnam", "सतनाम" },
	{ "Karanveer", "करणवीर" }, { "Arjan", "अर्जन" },
};

static const struct gen_name in_sikh_female[] = {
	{ "Simran", "सिमरन" }, { "Harleen", "हरलीन" }, { "Navneet", "नवनीत" },
	{ "Manjit", "मनजीत" }, { "Gurleen", "गुरलीन" }, { "Jasleen", "जसलीन" },
	{ "Harpreet", "हरप्रीत" }, { "Amrit", "अमृत" },
	{ "Rajwinder", "राजविंदर" }, { "Kuljit", "कुलजीत" },
	{ "Manpreet", "मनप्रीत" }, { "Jaspreet", "जसप्रीत" },
	{ "Sukhjeet", "सुखजीत" }, { "Parminder", "परमिंदर" },
	{ "Baljit", "बलजीत" }, { "Harjeet", "हरजीत" }, { "Navjot", "नवजोत" },
	{ "Rupinder", "रूपिंदर" }, { "Gurpreet", "गुरप्रीत" },
	{ "Ramandeep", "रमनदीप" },
};

/* India: Muslim families. */
static const struct gen_name in_muslim_family[] = {
	{ "Khan", "खान" }, { "Ali", "अली" }, { "Ansari", "अंसारी" },
	{ "Qureshi", "कुरैशी" }, { "Sheikh", "शेख" }, { "Siddiqui", "सिद्दीकी" },
	{ "Rahman", "रहमान" }, { "Ahmed", "अहमद" }, { "Hussain", "हुसैन" },
	{ "Syed", "सैयद" }, { "Pathan", "पठान" }, { "Mirza", "मिर्ज़ा" },
	{ "Malik", "मलिक" }, { "Akhtar", "अख्तर" }, { "Farooqui", "फ़ारूक़ी" },
	{ "Shaikh", "शैख" }, { "Chaudhry", "चौधरी" }, { "Hashmi", "हाशमी" },
};

static const struct gen_name in_muslim_male[] = {
	{ "Mohammed", "मोहम्मद" }, { "Imran", "इमरान" }, { "Abdul", "अब्दुल" },
	{ "Salman", "सलमान" }, { "Faisal", "फ़ैसल" }, { "Irfan", "इरफ़ान" },
	{ "Arif", "आरिफ़" }, { "Asif", "आसिफ़" }, { "Aamir", "आमिर" },
	{ "Shahid", "शाहिद" }, { "Rizwan", "रिज़वान" }, { "Zaid", "ज़ैद" },
	{ "Ayaan", "अयान" }, { "Sameer", "समीर" }, { "Tariq", "तारिक़" },
	{ "Javed", "जावेद" }, { "Naveed", "नवीद" }, { "Imtiaz", "इम्तियाज़" },
	{ "Yusuf", "यूसुफ़" }, { "Ibrahim", "इब्राहिम" },
};

static const struct gen_name in_muslim_female[] = {
	{ "Fatima", "फ़ातिमा" }, { "Ayesha", "आयशा" }, { "Zainab", "ज़ैनब" },
	{ "Sana", "सना" }, { "Nazia", "नाज़िया" }, { "Shabana", "शबाना" },
	{ "Farah", "फ़राह" }, { "Rukhsar", "रुख़सार" }, { "Noor", "नूर" },
	{ "Heena", "हिना" }, { "Sadia", "सादिया" }, { "Amina", "अमीना" },
	{ "Mariam", "मरियम" }, { "Saba", "सबा" }, { "Asma", "अस्मा" },
	{ "Rubina", "रुबीना" }, { "Shaheen", "शाहीन" }, { "Nasreen", "नसरीन" },
	{ "Yasmin", "यासमीन" }, { "Zoya", "ज़ोया" },
};

/* India: Christian families of Kerala and Goa (many of the nurses
 * abroad). */
static const struct gen_name in_christian_family[] = {
	{ "Thomas", "थॉमस" }, { "Varghese", "वर्गीज़" }, { "George", "जॉर्ज" },
	{ "Mathew", "मैथ्यू" }, { "Joseph", "जोसेफ़" }, { "Kurian", "कुरियन" },
	{ "Jacob", "जैकब" }, { "Philip", "फ़िलिप" }, { "Abraham", "अब्राहम" },
	{ "Chacko", "चाको" }, { "D'Souza", "डिसूज़ा" },
	{ "Fernandes", "फ़र्नांडिस" }, { "Pereira", "परेरा" },
	{ "Rodrigues", "रॉड्रिग्स" }, { "Pinto", "पिंटो" }, { "Cherian", "चेरियन" },
	{ "John", "जॉन" }, { "Paul", "पॉल" }, { "Samuel", "सैमुअल" },
};

static const struct gen_name in_christian_male[] = {
	{ "Joseph", "जोसेफ़" }, { "Thomas", "थॉमस" }, { "George", "जॉर्ज" },
	{ "John", "जॉन" }, { "Jacob", "जैकब" }, { "Mathew", "मैथ्यू" },
	{ "Abraham", "अब्राहम" }, { "Philip", "फ़िलिप" },
	{ "Sebastian", "सेबेस्टियन" }, { "Anthony", "एंथनी" },
	{ "Francis", "फ़्रांसिस" }, { "Joel", "जोएल" }, { "Jose", "जोस" },
	{ "Shibu", "शिबू" }, { "Binu", "बिनु" }, { "Jijo", "जिजो" },
	{ "Tony", "टोनी" }, { "Kevin", "केविन" }, { "Roshan", "रोशन" },
};

static const struct gen_name in_christian_female[] = {
	{ "Mary", "मैरी" }, { "Elizabeth", "एलिज़ाबेथ" },
	{ "Annamma", "अन्नम्मा" }, { "Susan", "सूसन" }, { "Sheeba", "शीबा" },
	{ "Jincy", "जिंसी" }, { "Tessy", "टेसी" }, { "Bincy", "बिंसी" },
	{ "Reena", "रीना" }, { "Ancy", "अंसी" }, { "Maria", "मारिया" },
	{ "Teresa", "टेरेसा" }, { "Jessy", "जेसी" }, { "Anu", "अनु" },
	{ "Neethu", "नीतू" }, { "Sherin", "शेरिन" }, { "Liya", "लिया" },
	{ "Merin", "मेरिन" },
};

static const struct gen_culture cultures_in[] = {
	{ "north", 55, NAMES(in_north_family), NAMES(in_north_male),
	  NAMES(in_north_female), GN_GIVEN_FAMILY, false, false,
	  "hi", "en", 25 },
	{ "south", 20, NAMES(in_south_family), NAMES(in_south_male),
	  NAMES(in_south_female), GN_GIVEN_FAMILY, false, false,
	  "en", "hi", 20 },
	{ "sikh", 6, NAMES(in_sikh_family), NAMES(in_sikh_male),
	  NAMES(in_sikh_female), GN_GIVEN_FAMILY, false, true,
	  "hi", "en", 40 },
	{ "muslim", 14, NAMES(in_muslim_family), NAMES(in_muslim_male),
	  NAMES(in_muslim_female), GN_GIVEN_FAMILY, false, false,
	  "hi", "en", 25 },
	{ "christian", 5, NAMES(in_christian_family), NAMES(in_christian_male),
	  NAMES(in_christian_female), GN_GIVEN_FAMILY, false, false,
	  "en", "hi", 15 },
};
const struct gen_culture_set gen_cultures_in = {
	cultures_in, ARRAY_SIZE(cultures_in)
};

/* The Philippines: Spanish-era, Tagalog and Chinese-Filipino surnames. */
static const struct gen_name ph_family[] = {
	{ "Santos", NULL }, { "Reyes", NULL }, { "Cruz", NULL },
	{ "Bautista", NULL }, { "Garcia", NULL }, { "Mendoza", NULL },
	{ "Ocampo", NULL }, { "Torres", NULL }, { "Tomas", NULL },
	{ "Andrada", NULL }, { "Castillo", NULL }, { "Flores", NULL },
	{ "Villanueva", NULL }, { "Ramos", NULL }, { "Castro", NULL },
	{ "Rivera", NULL }, { "Aquino", NULL }, { "Navarro", NULL },
	{ "Salazar", NULL }, { "Mercado", NULL }, { "Gonzales", NULL },
	{ "Lopez", NULL }, { "Hernandez", NULL }, { "Dela Cruz", NULL },
	{ "De Leon", NULL }, { "Del Rosario", NULL }, { "Fernandez", NULL },
	{ "Perez", NULL }, { "Gomez", NULL }, { "Aguilar", NULL },
	{ "Domingo", NULL }, { "Soriano", NULL }, { "Pascual", NULL },
	{ "Manalo", NULL }, { "Dizon", NULL }, { "Santiago", NULL },
	{ "Valdez", NULL }, { "Marquez", NULL }, { "Samonte", NULL },
	{ "Lim", NULL }, { "Tan", NULL }, { "Sy", NULL }, { "Macaraeg", NULL },
	{ "Pangilinan", NULL }, { "Magbanua", NULL }, { "Dimaculangan", NULL },
	{ "Mangubat", NULL }, { "Bernardo", NULL }, { "Morales", NULL },
	{ "Ramirez", NULL }, { "Francisco", NULL }, { "Ignacio", NULL },
	{ "Estrada", NULL }, { "Romero", NULL }, { "Vergara", NULL },
	{ "Delos Santos", NULL }, { "Galang", NULL }, { "Javier", NULL },
	{ "Lacson", NULL }, { "Umali", NULL }, { "Tolentino", NULL },
	{ "Mallari", NULL }, { "Evangelista", NULL }, { "Panganiban", NULL },
	{ "Enriquez", NULL }, { "Corpuz", NULL }, { "Aguinaldo", NULL },
	{ "Sison", NULL }, { "Cabrera", NULL }, { "Rosales", NULL },
};

static const struct gen_name ph_male[] = {
	{ "Jose", NULL }, { "John Paul", NULL }, { "Mark", NULL },
	{ "Michael", NULL }, { "Juan", NULL }, { "Christian", NULL },
	{ "Angelo", NULL }, { "Carlo", NULL }, { "Joshua", NULL },
	{ "Jericho", NULL }, { "Ramon", NULL }, { "Roberto", NULL },
	{ "Eduardo", NULL }, { "Antonio", NULL }, { "Rodrigo", NULL },
	{ "Ferdinand", NULL }, { "Manuel", NULL }, { "Rogelio", NULL },
	{ "Danilo", NULL }, { "Ernesto", NULL }, { "Romeo", NULL },
	{ "Renato", NULL }, { "Arnel", NULL }, { "Jayson", NULL },
	{ "Jomar", NULL }, { "Rey", NULL }, { "Jerome", NULL },
	{ "Kenneth", NULL }, { "Vincent", NULL }, { "Paolo", NULL },
	{ "Miguel", NULL }, { "Gabriel", NULL }, { "Nathaniel", NULL },
	{ "Francis", NULL }, { "Rolando", NULL }, { "Reynaldo", NULL },
	{ "Edgardo", NULL }, { "Noel", NULL }, { "Allan", NULL }, { "Joel", NULL },
	{ "Jonathan", NULL }, { "Ronald", NULL }, { "Dennis", NULL },
	{ "Marlon", NULL }, { "Rommel", NULL }, { "Emmanuel", NULL },
	{ "Jesus", NULL }, { "Christopher", NULL }, { "Bryan", NULL },
	{ "Daniel", NULL },
};

static const struct gen_name ph_female[] = {
	{ "Maria", NULL }, { "Mary Grace", NULL }, { "Mary Joy", NULL },
	{ "Kristine", NULL }, { "Jennifer", NULL }, { "Michelle", NULL },
	{ "Angelica", NULL }, { "Maricel", NULL }, { "Rowena", NULL },
	{ "Marites", NULL }, { "Lorna", NULL }, { "Rosalie", NULL },
	{ "Gemma", NULL }, { "Jocelyn", NULL }, { "Analyn", NULL },
	{ "Rhea", NULL }, { "Lovely", NULL }, { "Princess", NULL },
	{ "Angel", NULL }, { "Nicole", NULL }, { "Andrea", NULL },
	{ "Patricia", NULL }, { "Camille", NULL }, { "Joy", NULL },
	{ "Grace", NULL }, { "Charmaine", NULL }, { "Jasmine", NULL },
	{ "Erlinda", NULL }, { "Remedios", NULL }, { "Teresita", NULL },
	{ "Gloria", NULL }, { "Carmelita", NULL }, { "Rosario", NULL },
	{ "Luzviminda", NULL }, { "Cherry", NULL }, { "Divina", NULL },
	{ "Liza", NULL }, { "Melanie", NULL }, { "Sheila", NULL },
	{ "Aileen", NULL }, { "Marilou", NULL }, { "Janet", NULL },
	{ "April", NULL }, { "Catherine", NULL }, { "Kimberly", NULL },
	{ "Leah", NULL }, { "Irene", NULL }, { "Josephine", NULL },
};

static const struct gen_culture cultures_ph[] = {
	{ "filipino", 100, NAMES(ph_family), NAMES(ph_male), NAMES(ph_female),
	  GN_NONE, false, false, "tl", "en", 40 },
};
const struct gen_culture_set gen_cultures_ph = {
	cultures_ph, ARRAY_SIZE(cultures_ph)
};

/* The United States: the commonest surnames of the census and given names
 * of several generations, and a Hispanic culture beside them. */
static const struct gen_name us_family[] = {
	{ "Smith", NULL }, { "Johnson", NULL }, { "Williams", NULL },
	{ "Brown", NULL }, { "Jones", NULL }, { "Miller", NULL },
	{ "Davis", NULL }, { "Wilson", NULL }, { "Anderson", NULL },
	{ "Thomas", NULL }, { "Taylor", NULL }, { "Moore", NULL },
	{ "Jackson", NULL }, { "Martin", NULL }, { "Lee", NULL },
	{ "Thompson", NULL }, { "White", NULL }, { "Harris", NULL },
	{ "Clark", NULL }, { "Lewis", NULL }, { "Robinson", NULL },
	{ "Walker", NULL }, { "Young", NULL }, { "Allen", NULL }, { "King", NULL },
	{ "Wright", NULL }, { "Scott", NULL }, { "Nguyen", NULL }, { "Hill", NULL },
	{ "Green", NULL }, { "Adams", NULL }, { "Nelson", NULL },
	{ "Baker", NULL }, { "Hall", NULL }, { "Campbell", NULL },
	{ "Mitchell", NULL }, { "Carter", NULL }, { "Roberts", NULL },
	{ "Phillips", NULL }, { "Evans", NULL }, { "Turner", NULL },
	{ "Parker", NULL }, { "Edwards", NULL }, { "Collins", NULL },
	{ "Stewart", NULL }, { "Morris", NULL }, { "Murphy", NULL },
	{ "Cook", NULL }, { "Rogers", NULL }, { "Morgan", NULL },
	{ "Cooper", NULL }, { "Peterson", NULL }, { "Bailey", NULL },
	{ "Reed", NULL }, { "Kelly", NULL }, { "Howard", NULL }, { "Kim", NULL },
	{ "Cox", NULL }, { "Ward", NULL }, { "Richardson", NULL },
	{ "Watson", NULL }, { "Brooks", NULL }, { "Wood", NULL },
	{ "James", NULL }, { "Bennett", NULL }, { "Gray", NULL },
	{ "Hughes", NULL }, { "Price", NULL }, { "Sanders", NULL },
	{ "Patel", NULL }, { "Myers", NULL }, { "Long", NULL }, { "Ross", NULL },
	{ "Foster", NULL }, { "Powell", NULL }, { "Jenkins", NULL },
	{ "Perry", NULL }, { "Russell", NULL }, { "Sullivan", NULL },
	{ "Bell", NULL }, { "Coleman", NULL }, { "Butler", NULL },
	{ "Henderson", NULL }, { "Barnes", NULL }, { "Fisher", NULL },
	{ "Simmons", NULL }, { "Graham", NULL }, { "Wallace", NULL },
	{ "Hayes", NULL }, { "Bryant", NULL }, { "Griffin", NULL },
	{ "Wang", NULL }, { "Cohen", NULL }, { "O'Brien", NULL },
};

static const struct gen_name us_male[] = {
	{ "James", NULL }, { "Robert", NULL }, { "John", NULL },
	{ "Michael", NULL }, { "David", NULL }, { "William", NULL },
	{ "Richard", NULL }, { "Joseph", NULL }, { "Thomas", NULL },
	{ "Christopher", NULL }, { "Charles", NULL }, { "Daniel", NULL },
	{ "Matthew", NULL }, { "Anthony", NULL }, { "Mark", NULL },
	{ "Donald", NULL }, { "Steven", NULL }, { "Andrew", NULL },
	{ "Paul", NULL }, { "Joshua", NULL }, { "Kenneth", NULL },
	{ "Kevin", NULL }, { "Brian", NULL }, { "George", NULL },
	{ "Timothy", NULL }, { "Ronald", NULL }, { "Jason", NULL },
	{ "Edward", NULL }, { "Jeffrey", NULL }, { "Ryan", NULL },
	{ "Jacob", NULL }, { "Gary", NULL }, { "Nicholas", NULL },
	{ "Eric", NULL }, { "Jonathan", NULL }, { "Stephen", NULL },
	{ "Larry", NULL }, { "Justin", NULL }, { "Scott", NULL },
	{ "Brandon", NULL }, { "Benjamin", NULL }, { "Samuel", NULL },
	{ "Gregory", NULL }, { "Alexander", NULL }, { "Patrick", NULL },
	{ "Frank", NULL }, { "Raymond", NULL }, { "Jack", NULL },
	{ "Dennis", NULL }, { "Jerry", NULL }, { "Tyler", NULL },
	{ "Aaron", NULL }, { "Adam", NULL }, { "Nathan", NULL },
	{ "Henry", NULL }, { "Zachary", NULL }, { "Douglas", NULL },
	{ "Peter", NULL }, { "Kyle", NULL }, { "Noah", NULL }, { "Ethan", NULL },
	{ "Liam", NULL }, { "Mason", NULL }, { "Logan", NULL }, { "Lucas", NULL },
	{ "Elijah", NULL }, { "Oliver", NULL }, { "Aiden", NULL },
};

static const struct gen_name us_female[] = {
	{ "Mary", NULL }, { "Patricia", NULL }, { "Jennifer", NULL },
	{ "Linda", NULL }, { "Elizabeth", NULL }, { "Barbara", NULL },
	{ "Susan", NULL }, { "Jessica", NULL }, { "Sarah", NULL },
	{ "Karen", NULL }, { "Lisa", NULL }, { "Nancy", NULL },
	{ "Betty", NULL }, { "Sandra", NULL }, { "Margaret", NULL },
	{ "Ashley", NULL }, { "Kimberly", NULL }, { "Emily", NULL },
	{ "Donna", NULL }, { "Michelle", NULL }, { "Carol", NULL },
	{ "Amanda", NULL }, { "Melissa", NULL }, { "Deborah", NULL },
	{ "Stephanie", NULL }, { "Dorothy", NULL }, { "Rebecca", NULL },
	{ "Sharon", NULL }, { "Laura", NULL }, { "Cynthia", NULL },
	{ "Amy", NULL }, { "Kathleen", NULL }, { "Angela", NULL },
	{ "Shirley", NULL }, { "Brenda", NULL }, { "Emma", NULL },
	{ "Anna", NULL }, { "Pamela", NULL }, { "Nicole", NULL },
	{ "Samantha", NULL }, { "Katherine", NULL }, { "Christine", NULL },
	{ "Helen", NULL }, { "Rachel", NULL }, { "Carolyn", NULL },
	{ "Janet", NULL }, { "Catherine", NULL }, { "Heather", NULL },
	{ "Diane", NULL }, { "Olivia", NULL }, { "Julie", NULL },
	{ "Joyce", NULL }, { "Victoria", NULL }, { "Ruth", NULL },
	{ "Virginia", NULL }, { "Lauren", NULL }, { "Kelly", NULL },
	{ "Christina", NULL }, { "Joan", NULL }, { "Evelyn", NULL },
	{ "Judith", NULL }, { "Andrea", NULL }, { "Hannah", NULL },
	{ "Megan", NULL }, { "Madison", NULL }, { "Abigail", NULL },
	{ "Sophia", NULL }, { "Isabella", NULL }, { "Ava", NULL }, { "Mia", NULL },
	{ "Charlotte", NULL }, { "Harper", NULL }, { "Grace", NULL },
};

static const struct gen_name us_hisp_family[] = {
	{ "Garcia", NULL }, { "Rodriguez", NULL }, { "Martinez", NULL },
	{ "Hernandez", NULL }, { "Lopez", NULL }, { "Gonzalez", NULL },
	{ "Perez", NULL }, { "Sanchez", NULL }, { "Ramirez", NULL },
	{ "Torres", NULL }, { "Flores", NULL }, { "Rivera", NULL },
	{ "Gomez", NULL }, { "Diaz", NULL }, { "Reyes", NULL },
	{ "Morales", NULL }, { "Cruz", NULL }, { "Ortiz", NULL },
	{ "Gutierrez", NULL }, { "Chavez", NULL }, { "Ramos", NULL },
	{ "Ruiz", NULL }, { "Mendoza", NULL }, { "Alvarez", NULL },
	{ "Castillo", NULL }, { "Jimenez", NULL }, { "Vasquez", NULL },
	{ "Moreno", NULL }, { "Romero", NULL }, { "Herrera", NULL },
	{ "Medina", NULL }, { "Aguilar", NULL }, { "Vargas", NULL },
	{ "Castro", NULL }, { "Guzman", NULL },
};

static const struct gen_name us_hisp_male[] = {
	{ "Jose", NULL }, { "Juan", NULL }, { "Luis", NULL }, { "Carlos", NULL },
	{ "Jesus", NULL }, { "Miguel", NULL }, { "Antonio", NULL },
	{ "Jorge", NULL }, { "Alejandro", NULL }, { "Daniel", NULL },
	{ "Francisco", NULL }, { "David", NULL }, { "Manuel", NULL },
	{ "Pedro", NULL }, { "Ricardo", NULL }, { "Fernando", NULL },
	{ "Javier", NULL }, { "Eduardo", NULL }, { "Roberto", NULL },
	{ "Mateo", NULL }, { "Santiago", NULL }, { "Diego", NULL },
	{ "Adrian", NULL }, { "Angel", NULL }, { "Gabriel", NULL },
};

static const struct gen_name us_hisp_female[] = {
	{ "Maria", NULL }, { "Guadalupe", NULL }, { "Ana", NULL },
	{ "Rosa", NULL }, { "Carmen", NULL }, { "Sofia", NULL },
	{ "Isabella", NULL }, { "Camila", NULL }, { "Valeria", NULL },
	{ "Gabriela", NULL }, { "Daniela", NULL }, { "Lucia", NULL },
	{ "Elena", NULL }, { "Adriana", NULL }, { "Veronica", NULL },
	{ "Alejandra", NULL }, { "Patricia", NULL }, { "Leticia", NULL },
	{ "Sandra", NULL }, { "Yesenia", NULL }, { "Mariana", NULL },
	{ "Jimena", NULL }, { "Ximena", NULL },
};

static const struct gen_culture cultures_us[] = {
	{ "general", 85, NAMES(us_family), NAMES(us_male), NAMES(us_female),
	  GN_NONE, false, false, "en", NULL, 0 },
	{ "hispanic", 15, NAMES(us_hisp_family), NAMES(us_hisp_male),
	  NAMES(us_hisp_female), GN_NONE, false, false, "en", "es", 15 },
};
const struct gen_culture_set gen_cultures_us = {
	cultures_us, ARRAY_SIZE(cultures_us)
};

/* Any other nationality: names common across many countries, in Latin
 * script, since nothing is known of the nationality's own. */
static const struct gen_name intl_family[] = {
	{ "Silva", NULL }, { "Santos", NULL }, { "Kim", NULL },
	{ "Nguyen", NULL }, { "Muller", NULL }, { "Rossi", NULL },
	{ "Martin", NULL }, { "Garcia", NULL }, { "Novak", NULL },
	{ "Kowalski", NULL }, { "Ivanov", NULL }, { "Hansen", NULL },
	{ "Dubois", NULL }, { "Ahmed", NULL }, { "Hassan", NULL },
	{ "Ali", NULL }, { "Mohamed", NULL }, { "Okafor", NULL },
	{ "Mensah", NULL }, { "Yilmaz", NULL }, { "Kaya", NULL },
	{ "Cohen", NULL }, { "Fernandez", NULL }, { "Pereira", NULL },
	{ "Costa", NULL }, { "Schmidt", NULL }, { "Schneider", NULL },
	{ "Fischer", NULL }, { "Weber", NULL }, { "Russo", NULL },
	{ "Bianchi", NULL }, { "Peeters", NULL }, { "Jansen", NULL },
	{ "Nielsen", NULL }, { "Andersson", NULL }, { "Johansson", NULL },
	{ "Virtanen", NULL }, { "Horvat", NULL }, { "Popescu", NULL },
	{ "Nagy", NULL }, { "Papadopoulos", NULL }, { "Smith", NULL },
	{ "Brown", NULL }, { "Wilson", NULL }, { "Lopez", NULL },
	{ "Gonzalez", NULL }, { "Rodriguez", NULL }, { "Petrov", NULL },
	{ "Mwangi", NULL }, { "Diallo", NULL }, { "Traore", NULL },
	{ "Haddad", NULL }, { "Khalil", NULL }, { "Ibrahim", NULL },
	{ "Tanaka", NULL }, { "Sato", NULL }, { "Park", NULL },
	{ "Tran", NULL }, { "Le", NULL }, { "Perera", NULL },
};

static const struct gen_name intl_male[] = {
	{ "Alexander", NULL }, { "David", NULL }, { "Daniel", NULL },
	{ "Michael", NULL }, { "Thomas", NULL }, { "Martin", NULL },
	{ "Peter", NULL }, { "Paul", NULL }, { "Jan", NULL }, { "Luca", NULL },
	{ "Marco", NULL }, { "Ivan", NULL }, { "Ali", NULL }, { "Omar", NULL },
	{ "Ahmed", NULL }, { "Yusuf", NULL }, { "Lucas", NULL },
	{ "Mateo", NULL }, { "Juan", NULL }, { "Carlos", NULL },
	{ "Pedro", NULL }, { "Andrei", NULL }, { "Nikolai", NULL },
	{ "Samuel", NULL }, { "Joseph", NULL }, { "Emmanuel", NULL },
	{ "Kwame", NULL }, { "Hassan", NULL }, { "Karim", NULL },
	{ "Minh", NULL }, { "Jun", NULL }, { "Hiroshi", NULL },
	{ "Stefan", NULL }, { "Felix", NULL }, { "Leon", NULL },
	{ "Adam", NULL }, { "Noah", NULL }, { "Elias", NULL },
	{ "Gabriel", NULL }, { "Rafael", NULL },
};

static const struct gen_name intl_female[] = {
	{ "Anna", NULL }, { "Maria", NULL }, { "Sofia", NULL },
	{ "Elena", NULL }, { "Laura", NULL }, { "Sara", NULL },
	{ "Emma", NULL }, { "Lea", NULL }, { "Nina", NULL }, { "Eva", NULL },
	{ "Fatima", NULL }, { "Amina", NULL }, { "Aisha", NULL },
	{ "Ana", NULL }, { "Lucia", NULL }, { "Mia", NULL }, { "Hannah", NULL },
	{ "Olga", NULL }, { "Irina", NULL }, { "Natalia", NULL },
	{ "Grace", NULL }, { "Esther", NULL }, { "Abena", NULL },
	{ "Mariam", NULL }, { "Layla", NULL }, { "Linh", NULL },
	{ "Yuki", NULL }, { "Min", NULL }, { "Julia", NULL }, { "Clara", NULL },
	{ "Ines", NULL }, { "Camila", NULL }, { "Isabel", NULL },
	{ "Katarina", NULL }, { "Zeynep", NULL }, { "Noor", NULL },
};

static const struct gen_culture cultures_intl[] = {
	{ "international", 100, NAMES(intl_family), NAMES(intl_male),
	  NAMES(intl_female), GN_NONE, false, false, NULL, "en", 20 },
};
const struct gen_culture_set gen_cultures_intl = {
	cultures_intl, ARRAY_SIZE(cultures_intl)
};
