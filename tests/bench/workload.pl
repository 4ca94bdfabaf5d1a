# speed.sh's perl benchmark: a regex and hash workload of N rounds (hash
# updates, sprintf, regex matching and substitution, split/join, sort,
# tr).  Prints a checksum; the output depends only on N.
use strict;
use warnings;

my $n = shift // 200000;
my (%h, @lines);
my $s = 12345;
for my $i (1 .. $n) {
    $s = ($s * 1103515245 + 12345) % 2147483648;
    my $w = sprintf("k%x-%d", $s % 4099, $i % 7);
    $h{$w}++;
    push @lines, "$w=$i;" if $i % 4 == 0;
}
my $text = join(" ", @lines);
my $sum = 0;
my $c = () = $text =~ /k[0-9a-f]{2}\d?-[35]=/g;
$sum += $c;
(my $t = $text) =~ s/k([0-9a-f]+)-(\d)/\U$1\E:$2/g;
$sum += length($t);
while ($t =~ /([A-F][0-9A-F]*):(\d)=(\d+)/g) { $sum = ($sum * 31 + $3 % 1000 + $2) % 1000000007; }
for my $rec (split / /, $text) {
    my ($k, $v) = split /=/, $rec;
    $sum = ($sum + length($k) * 3 + ($v =~ tr/7//)) % 1000000007;
}
my @sorted = sort { $h{$b} <=> $h{$a} || $a cmp $b } keys %h;
$sum = ($sum * 17 + $h{$sorted[0]} + scalar(@sorted)) % 1000000007;
my %rev;
$rev{ scalar reverse $_ } .= $_ for @sorted[0 .. ($#sorted < 999 ? $#sorted : 999)];
$sum = ($sum + length(join ",", sort keys %rev)) % 1000000007;
printf "perl %d rounds: %d keys, top %s, checksum %d\n", $n, scalar(@sorted), $sorted[0], $sum;
