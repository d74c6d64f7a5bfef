DROP TABLE spent_challenges;
DROP TABLE turned_away;
