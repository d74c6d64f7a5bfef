DROP TABLE domain_deferrals;
