create table t(id integer primary key, name text, score real);
insert into t(name, score) values ('alpha', 1.5), ('beta', 2.25), ('gamma', -3), ('delta', 10);
select count(*), sum(score), max(name) from t;
select name, printf('%.3f', score * 2) from t where score > 0 order by name;
select group_concat(name, '|') from (select name from t order by score desc);
